package fakecloud

import (
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// addPerson creates a person owning macs and returns its id.
func (s *site) addPerson(nickname string, macs ...string) string {
	s.t.Helper()
	if macs == nil {
		macs = []string{}
	}
	p := s.expect(200, "POST", s.path("/persons"), map[string]any{"nickname": nickname, "imageId": "PROFILE_WOMAN", "assignedDevices": macs}).object(s.t)
	return p["id"].(string)
}

func TestPersons(t *testing.T) {
	t.Parallel()
	s := newSite(t, Config{})
	s.seedHome()
	assert.JSONEq(t, `[]`, string(s.expect(200, "GET", s.path("/persons"), nil).body))

	p := s.expect(200, "POST", s.path("/persons"), map[string]any{
		"nickname": "Ada", "imageId": "PROFILE_WOMAN", "assignedDevices": `["AA:BB:CC:00:00:01","aa:bb:cc:00:00:02"]`,
		"primaryDevice": "AA:BB:CC:00:00:02", "email": "ada@example.com", "permission": map[string]any{"role": "manager"},
		"profile": `{"type":"employee"}`,
	}).object(t)
	ada := p["id"].(string)
	assert.Regexp(t, regexp.MustCompile(`^[0-9a-f]{24}$`), ada)
	for key, want := range map[string]any{
		"nickname": "Ada", "imageId": "PROFILE_WOMAN", "primaryDevice": macPhone, "email": "ada@example.com",
		"networkId": "default", "locationId": s.loc, "homeAwayNotification": false, "createdAt": stampAt(0),
		"assignedDevices": []any{macLaptop, macPhone}, "permission": map[string]any{"role": "manager"},
		"serviceLinking": nil, "appTime": map[string]any{},
		"freeze": map[string]any{"frozen": false, "forever": false, "suspend": false, "autoExpire": nil, "templates": []any{}, "sources": []any{}},
	} {
		assert.Equal(t, want, p[key], key)
	}
	assert.Equal(t, "employee", p["profile"].(map[string]any)["type"])
	assert.Equal(t, ada, s.device(macLaptop)["personId"])
	assert.NotContains(t, s.device(macTV), "personId")

	// A device assigned again belongs to the newest person; a primaryDevice taken away is cleared.
	bob := s.addPerson("Bob", macPhone, "aa:bb:cc:00:00:09")
	assert.Equal(t, bob, s.device(macPhone)["personId"])
	list := s.expect(200, "GET", s.path("/persons"), nil).objects(t)
	assert.Equal(t, []any{ada, bob}, ids(list), "creation order")
	assert.Equal(t, []any{macLaptop}, list[0]["assignedDevices"])
	assert.Nil(t, list[0]["primaryDevice"])

	views, _ := s.cloud.Persons(s.loc)
	require.Len(t, views, 2)
	assert.Equal(t, PersonView{ID: ada, Nickname: "Ada", ImageID: "PROFILE_WOMAN", Email: "ada@example.com", AssignedDevices: []string{macLaptop}, Manager: true, CreatedAt: testStart}, views[0])
	dv, _ := s.cloud.Device(s.loc, macPhone)
	assert.Equal(t, bob, dv.PersonID)

	body := func(change map[string]any) map[string]any {
		b := map[string]any{"nickname": "Cy", "imageId": "PROFILE_MAN", "assignedDevices": []string{}}
		for k, v := range change {
			if v == nil {
				delete(b, k)
			} else {
				b[k] = v
			}
		}
		return b
	}
	persons := s.path("/persons")
	s.runStatusCases(t, []statusCase{
		{"nickname missing", "POST", persons, body(map[string]any{"nickname": nil}), 422},
		{"nickname empty", "POST", persons, body(map[string]any{"nickname": ""}), 422},
		{"imageId missing", "POST", persons, body(map[string]any{"imageId": nil}), 400},
		{"assignedDevices missing", "POST", persons, body(map[string]any{"assignedDevices": nil}), 400},
		{"assignedDevices not an array", "POST", persons, body(map[string]any{"assignedDevices": 3}), 400},
		{"invalid MAC", "POST", persons, body(map[string]any{"assignedDevices": []string{"laptop"}}), 422},
		{"primaryDevice not assigned", "POST", persons, body(map[string]any{"primaryDevice": macTV}), 422},
		{"invalid email", "POST", persons, body(map[string]any{"email": "nope"}), 422},
		{"permission without email", "POST", persons, body(map[string]any{"permission": map[string]any{}}), 422},
		{"permission not an object", "POST", persons, body(map[string]any{"email": "cy@example.com", "permission": 5}), 400},
		{"unknown location", "GET", locPath(s.id, unknownID) + "/persons", nil, 404},
		{"unknown customer", "POST", locPath(unknownID, s.loc) + "/persons", body(nil), 401},
	})
	views, _ = s.cloud.Persons(s.loc)
	assert.Len(t, views, 2, "a refused person is not stored")

	// A freeze written on a person moves its updatedAt; a refused one does not.
	s.clock.Advance(time.Second)
	s.api("PUT", s.path("/persons/"+ada+"/freeze/autoExpire"), map[string]any{"expiresAt": "never"}).requireLoopBackError(t, 422)
	assert.Equal(t, stampAt(0), s.expect(200, "GET", persons, nil).objects(t)[0]["updatedAt"])
	s.expect(200, "PUT", s.path("/persons/"+ada+"/freeze/forever"), nil)
	assert.Equal(t, stampAt(time.Second), s.expect(200, "GET", persons, nil).objects(t)[0]["updatedAt"])
}
