package fakecloud

import (
	"net/http"
	"net/netip"
	"regexp"
	"strings"
)

var (
	emailRE  = regexp.MustCompile(`^[^\s@"“”]+@[^\s@"“”]+\.[^\s@"“”]+$`)
	localeRE = regexp.MustCompile(`^[a-z]{2}(-[A-Z]{2})?$`)
)

// hasQuote reports the characters §13.16 forbids in names, accountIds and serviceIds.
func hasQuote(s string) bool { return strings.ContainsAny(s, "\"“”") }

func validEmail(s string) bool { return len(s) <= 254 && emailRE.MatchString(s) }

func validLocale(s string) bool { return localeRE.MatchString(s) }

func validProfile(s string) bool { return s == "auto" || s == "smallbusiness" }

func validCheckpoint(s string) bool { return s == "PodsAdded" || s == "OnboardingComplete" }

func validServiceLevel(s string) bool {
	return s == "noService" || s == "basicService" || s == "fullService"
}

func validWPAMode(s string) bool {
	return s == "psk-mixed" || s == "sae-mixed" || s == "psk2" || s == "sae"
}

func validToggle(s string) bool { return s == "auto" || s == "enable" || s == "disable" }

func validWifiMode24(s string) bool { return s == "auto" || s == "11b" || s == "11g" || s == "11n" }

// validIPv4 accepts a dotted-quad IPv4 address.
func validIPv4(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is4()
}

// validMask accepts a dotted-quad netmask: ones, then zeros.
func validMask(s string) bool {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return false
	}
	b := a.As4()
	m := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	inv := ^m
	return inv&(inv+1) == 0
}

// validPassword is the §11 policy: 8 characters from at least 2 of 4 classes.
func validPassword(s string) bool {
	if len(s) < 8 {
		return false
	}
	classes := 0
	for _, set := range []func(rune) bool{
		func(r rune) bool { return r >= 'A' && r <= 'Z' },
		func(r rune) bool { return r >= 'a' && r <= 'z' },
		func(r rune) bool { return r >= '0' && r <= '9' },
		func(r rune) bool { return strings.ContainsRune(`!@#$%^&*()_+-=[]{}|'`, r) },
	} {
		if strings.IndexFunc(s, set) >= 0 {
			classes++
		}
	}
	return classes >= 2
}

// checkAccountID applies the accountId format rules (§3.1, §13.17).
func checkAccountID(s string) *reply {
	if len(s) < 6 {
		return errorReply(http.StatusUnprocessableEntity, "accountId must be at least 6 characters")
	}
	if hasQuote(s) {
		return errorReply(http.StatusUnprocessableEntity, "accountId must not contain a double quote")
	}
	return nil
}

func checkName(s string) *reply {
	if hasQuote(s) {
		return errorReply(http.StatusUnprocessableEntity, "name must not contain a double quote")
	}
	return nil
}

func checkEmail(s string) *reply {
	if !validEmail(s) {
		return errorReply(http.StatusUnprocessableEntity, "email is not a valid address")
	}
	return nil
}

// checkProfile rejects anything but auto and smallbusiness; property needs the integration
// role, which no token of the fake has.
func checkProfile(s string) *reply {
	if !validProfile(s) {
		return errorf(http.StatusUnprocessableEntity, "profile %q is not allowed (auto or smallbusiness)", s)
	}
	return nil
}

// firstProblem returns the first non-nil reply.
func firstProblem(problems ...*reply) *reply {
	for _, p := range problems {
		if p != nil {
			return p
		}
	}
	return nil
}
