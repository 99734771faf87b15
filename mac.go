package plume

import (
	"strings"
	"unicode/utf8"
)

// MAC addresses of client devices, as every service that takes one in a path or a body
// (Devices, Network, HomePass, Persons) accepts and sends them.
//
// The API keys client devices by their MAC in the lowercase colon form aa:bb:cc:dd:ee:ff
// (docs/plume-support-api.md §1, "MAC path values"). Callers copy MACs from router pages,
// DHCP tables, CRM records and switch consoles, so normalizeMAC accepts the notations these
// use for a 48-bit address and sends the one the API wants:
//
//	aa:bb:cc:dd:ee:ff   colon pairs (IEEE, Linux, the API)
//	AA-BB-CC-DD-EE-FF   hyphen pairs (IEEE 802, Windows)
//	aabb.ccdd.eeff      dotted quads of hex digits (Cisco)
//	aabbccddeeff        twelve hex digits, no separator
//
// in any mix of upper and lower case, with white space around the address. Anything else
// (a separator mixed with another, a group without its leading zero as in 0:1a:2b:3c:4d:5e,
// EUI-64 and longer addresses, a truncated address) is refused before any request.

// normalizeMAC returns s as a lowercase colon-separated MAC address, or a *ValidationError
// for field when s is not a 48-bit MAC address in one of the accepted notations.
func normalizeMAC(field, s string) (string, error) {
	t := strings.TrimSpace(s)
	var hex [12]byte
	n := 0
	switch len(t) {
	case 12: // aabbccddeeff
		for i := range 12 {
			hex[n] = t[i]
			n++
		}
	case 14: // aabb.ccdd.eeff
		for i := range 14 {
			if i == 4 || i == 9 {
				if t[i] != '.' {
					return "", badMAC(field, s)
				}
				continue
			}
			hex[n] = t[i]
			n++
		}
	case 17: // aa:bb:cc:dd:ee:ff or aa-bb-cc-dd-ee-ff, one separator throughout
		sep := t[2]
		if sep != ':' && sep != '-' {
			return "", badMAC(field, s)
		}
		for i := range 17 {
			if i%3 == 2 {
				if t[i] != sep {
					return "", badMAC(field, s)
				}
				continue
			}
			hex[n] = t[i]
			n++
		}
	default:
		return "", badMAC(field, s)
	}
	var out [17]byte
	for i, c := range hex {
		lower, ok := lowerHex(c)
		if !ok {
			return "", badMAC(field, s)
		}
		j := i + i/2 // two digits, then a colon
		out[j] = lower
		if i%2 == 1 && j+1 < len(out) {
			out[j+1] = ':'
		}
	}
	return string(out[:]), nil
}

// lowerHex returns c as a lowercase hex digit, and false when it is not a hex digit.
func lowerHex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9', 'a' <= c && c <= 'f':
		return c, true
	case 'A' <= c && c <= 'F':
		return c + ('a' - 'A'), true
	}
	return 0, false
}

// maxMACQuote is the most of a refused MAC value a *ValidationError quotes.
const maxMACQuote = 40

// badMAC is the *ValidationError of a value that is not a MAC address. It quotes the value
// (a MAC is not a secret), cut to maxMACQuote characters.
func badMAC(field, s string) error {
	if strings.TrimSpace(s) == "" {
		return invalid(field, "must not be empty")
	}
	quoted := s
	if utf8.RuneCountInString(quoted) > maxMACQuote {
		quoted = string([]rune(quoted)[:maxMACQuote]) + "…"
	}
	return invalid(field, "%q is not a MAC address (aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff or aabbccddeeff)", quoted)
}
