package plume

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// freezeTestNow is the client's clock in the freeze tests.
var freezeTestNow = time.Date(2025, 3, 1, 17, 0, 0, 0, time.UTC)

const frzTestPerson = "65f0a1b2c3d4e5f601234567"

// freezeSubject is a device or a person, with the freeze calls of its service.
type freezeSubject struct {
	service       string // "Devices" or "Persons"
	path          string // the subject's path as sent
	freeze        func(ctx context.Context, c *Client, f Freeze) error
	unfreeze      func(ctx context.Context, c *Client, k FreezeKind) error
	clear         func(ctx context.Context, c *Client) error
	setSchedule   func(ctx context.Context, c *Client, id string, s FreezeSchedule) error
	applySchedule func(ctx context.Context, c *Client, id string) error
	removeSched   func(ctx context.Context, c *Client, id string) error
}

func freezeSubjects() []freezeSubject {
	const mac = "3C-22-FB-4A-91-0E" // sent as devTestMAC
	return []freezeSubject{
		{
			service: "Devices", path: devTestPath,
			freeze: func(ctx context.Context, c *Client, f Freeze) error {
				return c.Devices.Freeze(ctx, locTestCustomer, locTestLocation, mac, f)
			},
			unfreeze: func(ctx context.Context, c *Client, k FreezeKind) error {
				return c.Devices.Unfreeze(ctx, locTestCustomer, locTestLocation, mac, k)
			},
			clear: func(ctx context.Context, c *Client) error {
				return c.Devices.ClearFreezes(ctx, locTestCustomer, locTestLocation, mac)
			},
			setSchedule: func(ctx context.Context, c *Client, id string, s FreezeSchedule) error {
				return c.Devices.SetFreezeSchedule(ctx, locTestCustomer, locTestLocation, mac, id, s)
			},
			applySchedule: func(ctx context.Context, c *Client, id string) error {
				return c.Devices.ApplyFreezeSchedule(ctx, locTestCustomer, locTestLocation, mac, id)
			},
			removeSched: func(ctx context.Context, c *Client, id string) error {
				return c.Devices.RemoveFreezeSchedule(ctx, locTestCustomer, locTestLocation, mac, id)
			},
		},
		{
			service: "Persons", path: locTestPath + "/persons/" + frzTestPerson,
			freeze: func(ctx context.Context, c *Client, f Freeze) error {
				return c.Persons.Freeze(ctx, locTestCustomer, locTestLocation, frzTestPerson, f)
			},
			unfreeze: func(ctx context.Context, c *Client, k FreezeKind) error {
				return c.Persons.Unfreeze(ctx, locTestCustomer, locTestLocation, frzTestPerson, k)
			},
			clear: func(ctx context.Context, c *Client) error {
				return c.Persons.ClearFreezes(ctx, locTestCustomer, locTestLocation, frzTestPerson)
			},
			setSchedule: func(ctx context.Context, c *Client, id string, s FreezeSchedule) error {
				return c.Persons.SetFreezeSchedule(ctx, locTestCustomer, locTestLocation, frzTestPerson, id, s)
			},
			applySchedule: func(ctx context.Context, c *Client, id string) error {
				return c.Persons.ApplyFreezeSchedule(ctx, locTestCustomer, locTestLocation, frzTestPerson, id)
			},
			removeSched: func(ctx context.Context, c *Client, id string) error {
				return c.Persons.RemoveFreezeSchedule(ctx, locTestCustomer, locTestLocation, frzTestPerson, id)
			},
		},
	}
}

// newFreezeClient is newMockClient with its clock stopped at freezeTestNow.
func newFreezeClient(t *testing.T) (*Client, *mockAPI) {
	t.Helper()
	c, m := newMockClient(t)
	c.now = func() time.Time { return freezeTestNow }
	return c, m
}

func TestFreeze(t *testing.T) {
	t.Parallel()
	cest := time.FixedZone("CEST", 2*60*60)
	cases := []struct {
		name   string
		freeze Freeze
		sub    string
		body   string
	}{
		{"forever", Freeze{Kind: FreezeForever}, "/freeze/forever", `{"enable":true,"deleteAllExceptSuspend":false}`},
		{"forever, others removed", Freeze{Kind: FreezeForever, DeleteAllExceptSuspend: true}, "/freeze/forever", `{"enable":true,"deleteAllExceptSuspend":true}`},
		{"suspend", Freeze{Kind: FreezeSuspend}, "/freeze/suspend", `{"enable":true,"deleteAllExceptSuspend":false}`},
		{"until, in UTC with milliseconds", Freeze{Kind: FreezeUntil, Until: freezeTestNow.Add(4*time.Hour + 1500*time.Microsecond).In(cest)},
			"/freeze/autoExpire", `{"expiresAt":"2025-03-01T21:00:00.001Z"}`},
		{"until, a millisecond ahead", Freeze{Kind: FreezeUntil, Until: freezeTestNow.Add(time.Millisecond)}, "/freeze/autoExpire", `{"expiresAt":"2025-03-01T17:00:00.001Z"}`},
	}
	for _, s := range freezeSubjects() {
		for _, tc := range cases {
			t.Run(s.service+" "+tc.name, func(t *testing.T) {
				t.Parallel()
				c, m := newFreezeClient(t)
				m.reply(200, `{}`)
				require.NoError(t, s.freeze(t.Context(), c, tc.freeze))
				assertRequest(t, m.only(), http.MethodPut, s.path+tc.sub, "", tc.body)
			})
		}
	}
}

func TestUnfreezeAndClear(t *testing.T) {
	t.Parallel()
	for _, s := range freezeSubjects() {
		t.Run(s.service, func(t *testing.T) {
			t.Parallel()
			for _, kind := range []FreezeKind{FreezeForever, FreezeSuspend, FreezeUntil} {
				c, m := newFreezeClient(t)
				m.reply(204, ``)
				require.NoError(t, s.unfreeze(t.Context(), c, kind))
				assertRequest(t, m.only(), http.MethodDelete, s.path+"/freeze/"+string(kind), "", "")
			}
			c, m := newFreezeClient(t)
			m.reply(204, ``)
			require.NoError(t, s.clear(t.Context(), c))
			assertRequest(t, m.only(), http.MethodDelete, s.path+"/freezes", "", "")
		})
	}
}

func TestFreezeSchedules(t *testing.T) {
	t.Parallel()
	for _, s := range freezeSubjects() {
		t.Run(s.service, func(t *testing.T) {
			t.Parallel()
			for _, tc := range []struct {
				schedule FreezeSchedule
				body     string
			}{
				{FreezeSchedule{}, `{"enable":true,"deleteAllExceptSuspend":false}`},
				{FreezeSchedule{Disable: true, DeleteAllExceptSuspend: true}, `{"enable":false,"deleteAllExceptSuspend":true}`},
				{FreezeSchedule{Schedules: json.RawMessage(` [{"days":[1,2,3,4,7],"times":[{"start":"21:00","end":"07:00"}]}]`), Name: json.RawMessage(`"School nights"`)},
					`{"enable":true,"deleteAllExceptSuspend":false,"schedules":[{"days":[1,2,3,4,7],"times":[{"start":"21:00","end":"07:00"}]}],"name":"School nights"}`},
			} {
				c, m := newFreezeClient(t)
				m.reply(200, `{}`)
				require.NoError(t, s.setSchedule(t.Context(), c, "schoolNights", tc.schedule))
				assertRequest(t, m.only(), http.MethodPut, s.path+"/freeze/schoolNights", "", tc.body)
			}

			c, m := newFreezeClient(t)
			m.reply(200, `{}`)
			require.NoError(t, s.applySchedule(t.Context(), c, "8f14e45f-ceea-467f-a0f6-6c2c0a3b5d1e"))
			assertRequest(t, m.only(), http.MethodPost, s.path+"/freeze/8f14e45f-ceea-467f-a0f6-6c2c0a3b5d1e", "", "")

			c, m = newFreezeClient(t)
			m.reply(204, ``)
			require.NoError(t, s.removeSched(t.Context(), c, "untilMidinight"))
			assertRequest(t, m.only(), http.MethodDelete, s.path+"/freeze/untilMidinight", "", "")

			c, m = newFreezeClient(t)
			m.reply(204, ``)
			require.NoError(t, s.removeSched(t.Context(), c, "a/b"))
			assert.Equal(t, s.path+"/freeze/a%2Fb", m.only().Path, "the id stays one segment")
		})
	}
}

func TestFreezeErrors(t *testing.T) {
	t.Parallel()
	base := []statusCase{{401, []error{ErrUnauthorized}}, {404, []error{ErrNotFound}}, {500, []error{ErrServer}}}
	with := func(extra ...statusCase) []statusCase { return append(append([]statusCase(nil), extra...), base...) }
	for _, s := range freezeSubjects() {
		t.Run(s.service, func(t *testing.T) {
			t.Parallel()
			// The fake's 400 (expiresAt missing) and 422 (past) on autoExpire (§12.6).
			assertStatusErrors(t, s.service+".Freeze", with(statusCase{400, []error{ErrBadRequest}}, statusCase{422, []error{ErrValidation}}),
				func(ctx context.Context, c *Client) error {
					return s.freeze(ctx, c, Freeze{Kind: FreezeUntil, Until: time.Now().Add(time.Hour)})
				})
			// 422: MAC unknown or invalid (devices, §10.1).
			assertStatusErrors(t, s.service+".Unfreeze", with(statusCase{422, []error{ErrValidation}}),
				func(ctx context.Context, c *Client) error { return s.unfreeze(ctx, c, FreezeForever) })
			assertStatusErrors(t, s.service+".ClearFreezes", base,
				func(ctx context.Context, c *Client) error { return s.clear(ctx, c) })
			assertStatusErrors(t, s.service+".SetFreezeSchedule", with(statusCase{501, []error{ErrSharedFreezeSchedules, ErrServer}}),
				func(ctx context.Context, c *Client) error {
					return s.setSchedule(ctx, c, "schoolNights", FreezeSchedule{})
				})
			assertStatusErrors(t, s.service+".ApplyFreezeSchedule", with(statusCase{422, []error{ErrValidation}}),
				func(ctx context.Context, c *Client) error { return s.applySchedule(ctx, c, "shared-1") })
			assertStatusErrors(t, s.service+".RemoveFreezeSchedule", with(statusCase{422, []error{ErrValidation}}),
				func(ctx context.Context, c *Client) error { return s.removeSched(ctx, c, "schoolNights") })
		})
	}
	t.Run("501 elsewhere is only a server error", func(t *testing.T) {
		t.Parallel()
		c, m := newFreezeClient(t)
		m.reply(501, loopbackError(501, "Error", "x"))
		err := c.Devices.Freeze(t.Context(), locTestCustomer, locTestLocation, devTestMAC, Freeze{Kind: FreezeForever})
		assert.ErrorIs(t, err, ErrServer)
		assert.NotErrorIs(t, err, ErrSharedFreezeSchedules)
	})
}

func TestFreezeValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, field string
		freeze      Freeze
	}{
		{"no kind", "Kind", Freeze{}},
		{"unknown kind", "Kind", Freeze{Kind: "forEver"}},
		{"until without a time", "Until", Freeze{Kind: FreezeUntil}},
		{"until now", "Until", Freeze{Kind: FreezeUntil, Until: freezeTestNow}},
		{"until in the past", "Until", Freeze{Kind: FreezeUntil, Until: freezeTestNow.Add(-time.Minute)}},
		{"until under a millisecond ahead", "Until", Freeze{Kind: FreezeUntil, Until: freezeTestNow.Add(999 * time.Microsecond)}},
		{"until with others removed", "DeleteAllExceptSuspend", Freeze{Kind: FreezeUntil, Until: freezeTestNow.Add(time.Hour), DeleteAllExceptSuspend: true}},
		{"a time with forever", "Until", Freeze{Kind: FreezeForever, Until: freezeTestNow.Add(time.Hour)}},
		{"a time with suspend", "Until", Freeze{Kind: FreezeSuspend, Until: freezeTestNow.Add(time.Hour)}},
	}
	for _, s := range freezeSubjects() {
		for _, tc := range cases {
			t.Run(s.service+" "+tc.name, func(t *testing.T) {
				t.Parallel()
				c, m := newFreezeClient(t)
				err := s.freeze(t.Context(), c, tc.freeze)
				var verr *ValidationError
				require.ErrorAs(t, err, &verr)
				assert.Equal(t, tc.field, verr.Field)
				assert.Empty(t, m.requests())
			})
		}
		t.Run(s.service+" other calls", func(t *testing.T) {
			t.Parallel()
			for _, tc := range []struct {
				field string
				call  func(ctx context.Context, c *Client) error
			}{
				{"Kind", func(ctx context.Context, c *Client) error { return s.unfreeze(ctx, c, "") }},
				{"Kind", func(ctx context.Context, c *Client) error { return s.unfreeze(ctx, c, "all") }},
				{"TemplateID", func(ctx context.Context, c *Client) error { return s.setSchedule(ctx, c, "", FreezeSchedule{}) }},
				{"TemplateID", func(ctx context.Context, c *Client) error { return s.setSchedule(ctx, c, "forever", FreezeSchedule{}) }},
				{"TemplateID", func(ctx context.Context, c *Client) error { return s.applySchedule(ctx, c, "autoExpire") }},
				{"TemplateID", func(ctx context.Context, c *Client) error { return s.removeSched(ctx, c, "..") }},
				{"Schedules", func(ctx context.Context, c *Client) error {
					return s.setSchedule(ctx, c, "x", FreezeSchedule{Schedules: json.RawMessage(`[{`)})
				}},
				{"Name", func(ctx context.Context, c *Client) error {
					return s.setSchedule(ctx, c, "x", FreezeSchedule{Name: json.RawMessage(`School nights`)})
				}},
			} {
				c, m := newFreezeClient(t)
				err := tc.call(t.Context(), c)
				var verr *ValidationError
				require.ErrorAs(t, err, &verr, tc.field)
				assert.Equal(t, tc.field, verr.Field)
				assert.Empty(t, m.requests())
			}
		})
	}
	assertNoRequest(t, "MAC", func(ctx context.Context, c *Client) error {
		return c.Devices.Freeze(ctx, locTestCustomer, locTestLocation, "phone", Freeze{Kind: FreezeForever})
	})
	assertNoRequest(t, "MAC", func(ctx context.Context, c *Client) error {
		return c.Devices.ClearFreezes(ctx, locTestCustomer, locTestLocation, "")
	})
	assertNoRequest(t, "personID", func(ctx context.Context, c *Client) error {
		return c.Persons.ClearFreezes(ctx, locTestCustomer, locTestLocation, " ")
	})
	assertNoRequest(t, "locationID", func(ctx context.Context, c *Client) error {
		return c.Persons.Unfreeze(ctx, locTestCustomer, "..", frzTestPerson, FreezeForever)
	})
}
