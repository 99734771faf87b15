package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/plumecloud/plume-go"
)

func (a *app) newTokenCmd() *cobra.Command {
	var f singleFlags
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Check the credentials: get a token and make one API call with it",
		Long: `token checks the PLUME_* variables: it gets a token from PLUME_AUTH_URL and prints when it
expires (never the token), then makes one cheap API call with it. The exit status is 3 when
a variable is missing, or the token endpoint or the API refuses.`,
		Example: `  plumectl token
  plumectl token --output json

  # The same against the built-in fake, needing no variable
  plumectl token --fake`,
		GroupID:           groupSetup,
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.token(cmd, &f)
		},
	}
	addSingleFlags(cmd, &f, false)
	return cmd
}

// tokenReport is what plumectl token prints: never the token.
type tokenReport struct {
	APIURL           string    `json:"api_url"`
	PartnerID        string    `json:"partner_id"`
	ExpiresAt        time.Time `json:"expires_at,omitzero"`
	ExpiresInSeconds float64   `json:"expires_in_seconds,omitempty"`
	APIAnswered      bool      `json:"api_answered"`
}

// token checks the credentials: it gets a token (and prints its expiry, never the token),
// then makes one cheap API call with it.
func (a *app) token(cmd *cobra.Command, f *singleFlags) error {
	if err := f.check(cmd); err != nil {
		return err
	}
	ctx := cmd.Context()
	c, err := a.connectSingle(ctx, f)
	if err != nil {
		return err
	}
	defer c.Close()
	expiry, err := c.client.TokenExpiry(ctx)
	if err != nil {
		return fmt.Errorf("the token endpoint refused: %w", err)
	}
	rep := tokenReport{APIURL: c.apiURL, PartnerID: c.partnerID, ExpiresAt: expiry.UTC()}
	if !expiry.IsZero() {
		rep.ExpiresInSeconds = time.Until(expiry).Round(time.Second).Seconds()
	}
	if _, err := c.client.Customers.List(ctx, &plume.ListOptions{Limit: 1, Fields: []string{"id"}}); err != nil {
		return fmt.Errorf("got a token, but the API refused it: %w", err)
	}
	rep.APIAnswered = true
	expires := "no expiry given"
	if !expiry.IsZero() {
		expires = fmt.Sprintf("expires %s (in %s)", rep.ExpiresAt.Format(time.RFC3339), time.Duration(rep.ExpiresInSeconds)*time.Second)
	}
	return a.show(f.output, rep, fmt.Sprintf("Credentials OK for partner %s: token %s; %s answered.", c.partnerID, expires, c.apiURL))
}
