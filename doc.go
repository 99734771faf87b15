// Package plume is a Go client for the Plume Cloud REST API, for ISPs that provision HomePass
// (homes) and WorkPass (small business) WiFi for their subscribers.
//
// # Data model
//
// A Customer (the subscriber, keyed by the ISP's accountId) has one or more Locations (a home
// or a business, keyed by the ISP's serviceId). A Location has Nodes (the gateway and the pods,
// claimed by serial number), one WiFi network (SSID and key), a service level and an onboarding
// checkpoint:
//
//	Customer ──< Location ──< Node
//	                 ├── WifiNetwork
//	                 ├── ServiceLevel
//	                 └── WANConfiguration
//
// The Client has one service per object: Customers, Locations, Nodes and WifiNetworks. Every
// method takes a context first and returns the typed object it acts on.
//
// # The request pipeline
//
// Every call is validated before anything is sent (a *ValidationError, matching
// ErrInvalidInput), then, for each attempt, waits on a token-bucket rate limiter (6 requests
// per second by default: Plume's WAF allows 2000 per 5 minutes per source IP), carries an OAuth
// bearer token obtained with the client-credentials grant and cached until 30 seconds before it
// expires, and is retried with exponential backoff and full jitter where that is safe: reads,
// PUT, PATCH and DELETE on connection errors, 429, the WAF's 403 and 5xx; POST only when the
// request provably did not reach the API. A 401 drops the token and retries the call once
// with a new one.
//
// # Errors
//
// An answer outside 2xx is an *Error (or a *RateLimitError for a 429 or the WAF's block page)
// that matches, with errors.Is, the sentinel of its status (ErrNotFound, ErrConflict, ...) and
// the meaning it has for the operation (ErrNodeOwnedElsewhere for a claim's 409, ...). A
// refusal of the token endpoint is an *AuthError matching ErrAuth. No error, log line or
// formatted value carries a client secret, Basic header, bearer token or WiFi key.
//
// # Testing
//
// Package plumetest starts a stateful fake Plume Cloud on a loopback port and hands out a
// Client wired to it, so that code using this package can be tested without a Plume account.
package plume
