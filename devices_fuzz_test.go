// devices_fuzz_test.go: the fuzz targets of the device answers (devices.go), the MAC
// normaliser every device call goes through (mac.go), and the forced-steer window
// (devices_steering.go). Shared fuzz helpers are in fuzz_helpers_test.go.

package plume

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// deviceRaw is the Raw of a device, for rawsOf.
func deviceRaw(d *Device) json.RawMessage { return d.Raw }

// FuzzDecodeDevices decodes a Device (Get, Update) and a device list in its three shapes.
func FuzzDecodeDevices(f *testing.F) {
	for _, name := range []string{"device_get.json", "device_updated.json", "devices_list.json", "devices_list_single.json", "devices_list_bare.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	addJSONSeeds(f,
		`{"devices":{"devices":[{"mac":"aa:bb:cc:dd:ee:ff"}]}}`,
		`{"devices":[{"mac":"aa:bb:cc:dd:ee:ff","channel":"36"}]}`,
		`{"devices":{"devices":{"devices":[]}}}`,
		`{"devices":null}`, `{"devices":"x"}`, `{"devices":{}}`,
		`[{"mac":"a","channel":1e400}]`, `[{"mac":"a","keyId":"-3"}]`, `[{"mac":"a","channel":{}}]`,
		`{"mac":"a","connectionStateChangeAt":"2024-05-14T08:21:07.512Z"}`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		device, ok := checkDecoder(t, data, unmarshalAs[Device], func(d Device) []json.RawMessage { return []json.RawMessage{d.Raw} })
		if ok {
			checkWholeRaw(t, data, device.Raw)
		}
		list, lok := checkDecoder(t, data, decodeDeviceList, func(l []Device) []json.RawMessage { return rawsOf(l, deviceRaw) })
		if lok && list == nil {
			t.Fatal("decodeDeviceList returned a nil slice without an error")
		}
		if lok && !json.Valid(data) {
			t.Fatalf("decodeDeviceList accepted invalid JSON %q", data)
		}
	})
}

// macForm is the one form normalizeMAC returns.
var macForm = regexp.MustCompile(`^[0-9a-f]{2}(:[0-9a-f]{2}){5}$`)

// FuzzNormalizeMAC checks that normalizeMAC either refuses with a *ValidationError for its
// field or returns the lowercase colon form of the same twelve hex digits, which it accepts
// again unchanged.
func FuzzNormalizeMAC(f *testing.F) {
	for _, s := range []string{
		"3c:22:fb:4a:91:0e", "3C-22-FB-4A-91-0E", "3c22.fb4a.910e", "3c22fb4a910e", " 3c22FB4A910E\n",
		"", "3c:22:fb:4a:91", "3c:22-fb:4a:91:0e", "3c:22:fb:4a:91:0g", "３c22fb4a910e", "\xff\xfe", "3c22.fb4a:910e",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := normalizeMAC("MAC", s)
		if err != nil {
			var verr *ValidationError
			if !errors.As(err, &verr) || verr.Field != "MAC" || !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("normalizeMAC(%q): want a *ValidationError for MAC, got %T %v", s, err, err)
			}
			if got != "" {
				t.Fatalf("normalizeMAC(%q) refused but returned %q", s, got)
			}
			return
		}
		if !macForm.MatchString(got) {
			t.Fatalf("normalizeMAC(%q) = %q, not aa:bb:cc:dd:ee:ff", s, got)
		}
		digits := strings.Map(func(r rune) rune {
			if strings.ContainsRune(":-.", r) {
				return -1
			}
			return r
		}, strings.ToLower(strings.TrimSpace(s)))
		if digits != strings.ReplaceAll(got, ":", "") {
			t.Fatalf("normalizeMAC(%q) = %q: not the same digits", s, got)
		}
		again, err := normalizeMAC("MAC", got)
		if err != nil || again != got {
			t.Fatalf("normalizeMAC(%q) = %q, %v: not idempotent", got, again, err)
		}
	})
}

// FuzzForceSteerWindow checks the forced-steer window from the client's clock: until is
// accepted exactly when, cut to the millisecond, it lies 5 to 60 minutes ahead, and what is
// sent reads back as that instant in UTC.
func FuzzForceSteerWindow(f *testing.F) {
	for _, ahead := range []time.Duration{
		0, -1, time.Millisecond, MinForcedSteer, MinForcedSteer - 1, MinForcedSteer - time.Millisecond,
		MaxForcedSteer, MaxForcedSteer + 1, MaxForcedSteer + time.Millisecond, 30 * time.Minute, -30 * time.Minute,
	} {
		f.Add(int64(ahead), int64(0))
	}
	f.Add(int64(30*time.Minute), int64(-12*3600))
	c := newFuzzClient(f)
	now := time.Date(2024, 5, 14, 9, 30, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	f.Fuzz(func(t *testing.T, ahead int64, zoneSeconds int64) {
		zone := time.FixedZone("Z", int(zoneSeconds%(14*3600)))
		until := now.Add(time.Duration(ahead)).In(zone)
		sent, err := c.forcedSteerEnd(until)
		cut := until.UTC().Truncate(time.Millisecond)
		d := cut.Sub(now)
		inWindow := d >= MinForcedSteer && d <= MaxForcedSteer
		if inWindow != (err == nil) {
			t.Fatalf("until %s ahead (cut %s): err = %v", time.Duration(ahead), d, err)
		}
		if err != nil {
			var verr *ValidationError
			if !errors.As(err, &verr) || verr.Field != "Until" {
				t.Fatalf("want a *ValidationError for Until, got %T %v", err, err)
			}
			return
		}
		back, perr := time.Parse(time.RFC3339, sent)
		if perr != nil || !back.Equal(cut) || back.Location() != time.UTC || !strings.HasSuffix(sent, "Z") {
			t.Fatalf("sent %q for %s: reads back as %s, %v", sent, cut, back, perr)
		}
	})
}
