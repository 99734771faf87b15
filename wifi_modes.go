package plume

// WPAModes is the security mode of each band (the reference's wpaModes, docs/plume-api-errata.md
// B1): freqBand24, freqBand5 and freqBand6.
type WPAModes struct {
	Band24 WPAMode `json:"freqBand24,omitempty"`
	Band5  WPAMode `json:"freqBand5,omitempty"`
	Band6  WPAMode `json:"freqBand6,omitempty"` // 6 GHz allows WPA3 only: WPASAE
}

// DefaultWPAMode is the mode Create and Replace send when the request names none: WPA2
// (psk2), which every client can join; 6 GHz is always WPA3 (sae).
const DefaultWPAMode = WPAPSK2

// Validate checks each band's mode: a known WPAMode, and sae on 6 GHz.
func (m WPAModes) Validate() error {
	for _, band := range []struct {
		name string
		mode WPAMode
	}{{"WPAModes.Band24", m.Band24}, {"WPAModes.Band5", m.Band5}, {"WPAModes.Band6", m.Band6}} {
		if err := checkEnum(band.name, band.mode, WPAMode.valid); err != nil {
			return err
		}
	}
	if m.Band6 != "" && m.Band6 != WPASAE {
		return invalid("WPAModes.Band6", "6 GHz allows only %q, got %q", WPASAE, m.Band6)
	}
	return nil
}

// resolved returns the wpaMode and the per-band wpaModes that Create and Replace send: what the
// caller gave, each band left empty taking the one mode (6 GHz: sae), the one mode taken from
// the 2.4 or 5 GHz band when only WPAModes was given, and DefaultWPAMode when neither was.
func resolveWPAModes(mode WPAMode, modes *WPAModes) (WPAMode, WPAModes) {
	var out WPAModes
	if modes != nil {
		out = *modes
	}
	if mode == "" {
		mode = out.Band24
	}
	if mode == "" {
		mode = out.Band5
	}
	if mode == "" {
		mode = DefaultWPAMode
	}
	if out.Band24 == "" {
		out.Band24 = mode
	}
	if out.Band5 == "" {
		out.Band5 = mode
	}
	if out.Band6 == "" {
		out.Band6 = WPASAE
	}
	return mode, out
}
