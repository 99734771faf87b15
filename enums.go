package plume

// Profile is the kind of service at a location: HomePass or WorkPass.
type Profile string

// Profiles.
const (
	ProfileAuto          Profile = "auto"          // HomePass (the default)
	ProfileSmallBusiness Profile = "smallbusiness" // WorkPass
	// ProfileProperty is for property (multi-dwelling) deployments. Only the integration role
	// may set it: the API decides by the caller's role and answers 422 otherwise
	// (ErrProfileNotAllowed). docs/plume-api-errata.md B7.
	ProfileProperty Profile = "property"
)

func (p Profile) valid() bool {
	return p == ProfileAuto || p == ProfileSmallBusiness || p == ProfileProperty
}

// ServiceLevelStatus is the level of service at a location.
type ServiceLevelStatus string

// Service levels.
const (
	NoService    ServiceLevelStatus = "noService"    // WiFi stopped (suspension)
	BasicService ServiceLevelStatus = "basicService" // some adaptive WiFi and security features removed
	FullService  ServiceLevelStatus = "fullService"  // everything
)

func (s ServiceLevelStatus) valid() bool {
	return s == NoService || s == BasicService || s == FullService
}

// Checkpoint is an onboarding checkpoint of a location.
type Checkpoint string

// Checkpoints.
const (
	PodsAdded          Checkpoint = "PodsAdded"          // the app shows the "plug in your pods" screens
	OnboardingComplete Checkpoint = "OnboardingComplete" // the app goes straight to its home screen
)

func (c Checkpoint) valid() bool { return c == PodsAdded || c == OnboardingComplete }

// WPAMode is the security mode of a WiFi network.
type WPAMode string

// WPA modes.
const (
	WPAPSKMixed WPAMode = "psk-mixed" // WPA + WPA2
	WPASAEMixed WPAMode = "sae-mixed" // WPA2 + WPA3
	WPAPSK2     WPAMode = "psk2"      // WPA2 only
	WPASAE      WPAMode = "sae"       // WPA3 only
)

func (m WPAMode) valid() bool {
	return m == WPAPSKMixed || m == WPASAEMixed || m == WPAPSK2 || m == WPASAE
}

// SearchField is the customer field a partner search matches.
type SearchField string

// Search fields.
const (
	SearchByAccountID  SearchField = "accountId"
	SearchByLocationID SearchField = "locationId"
	SearchByName       SearchField = "name"
	SearchByEmail      SearchField = "email"
)

func (f SearchField) valid() bool {
	return f == SearchByAccountID || f == SearchByLocationID || f == SearchByName || f == SearchByEmail
}

// EmailVerification is what Onboard does about the customer's email address.
type EmailVerification string

// Email verification choices.
const (
	EmailVerificationNone EmailVerification = ""                      // leave it
	MarkEmailVerified     EmailVerification = "markEmailVerified"     // PATCH emailVerified true (the ISP verified it)
	SendEmailVerification EmailVerification = "sendEmailVerification" // Plume sends the verification mail
)

func (e EmailVerification) valid() bool {
	return e == EmailVerificationNone || e == MarkEmailVerified || e == SendEmailVerification
}

// checkEnum returns a *ValidationError when v is set but not one of its values.
func checkEnum[T ~string](field string, v T, valid func(T) bool) error {
	if v == "" || valid(v) {
		return nil
	}
	return invalid(field, "unknown value %q", string(v))
}
