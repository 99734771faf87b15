package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/plumecloud/plume-go"
)

func (a *app) newLookupCmd() *cobra.Command {
	var f singleFlags
	var account, serial, serviceID string
	cmd := &cobra.Command{
		Use:   "lookup (--account ID | --serial SERIAL | --service-id ID)",
		Short: "Find a customer by account id, a node by serial, or a location by service id",
		Long: `lookup finds a customer by its account id (the key in your CRM), a node by its serial
(claimed or only in your inventory, and where), or a location by its service id, and prints
what it found as a line or, with --output json, an object. The exit status is 1 when there
is none.`,
		Example: `  plumectl lookup --account crm-000001
  plumectl lookup --serial GW-0001 --output json
  plumectl lookup --service-id svc-000001

  # Try it: the fake is given the file's customers first
  plumectl lookup --account crm-000001 --fake --csv customers.csv`,
		GroupID:           groupSingle,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.check(cmd); err != nil {
				return err
			}
			given := 0
			for _, v := range []string{account, serial, serviceID} {
				if v != "" {
					given++
				}
			}
			if given != 1 || len(args) > 0 {
				return usageErrorf(cmd, "give one of --account ID, --serial SERIAL, --service-id ID")
			}
			ctx := cmd.Context()
			c, err := a.connectSingle(ctx, &f)
			if err != nil {
				return err
			}
			defer c.Close()
			var found any
			var text string
			switch {
			case account != "":
				found, text, err = lookupAccount(ctx, c.client, account)
			case serial != "":
				found, text, err = lookupSerial(ctx, c.client, serial)
			default:
				found, text, err = lookupServiceID(ctx, c.client, serviceID)
			}
			if err != nil {
				return foundNothing(cmd, err, text)
			}
			return a.show(f.output, found, text)
		},
	}
	addSingleFlags(cmd, &f, true)
	cmd.Flags().StringVar(&account, "account", "", "the customer's account `id`")
	cmd.Flags().StringVar(&serial, "serial", "", "a node's `serial`")
	cmd.Flags().StringVar(&serviceID, "service-id", "", "a location's service `id`")
	return cmd
}

type customerFound struct {
	CustomerID  string   `json:"customer_id"`
	AccountID   string   `json:"account_id"`
	Name        string   `json:"name"`
	Email       string   `json:"email"`
	LocationIDs []string `json:"location_ids"`
}

func lookupAccount(ctx context.Context, client *plume.Client, account string) (any, string, error) {
	m, err := client.Customers.FindByAccountID(ctx, account)
	if err != nil {
		return nil, fmt.Sprintf("no customer has account id %q", account), err
	}
	found := customerFound{CustomerID: m.ID, AccountID: m.AccountID, Name: m.Name, Email: m.Email, LocationIDs: m.LocationIDs}
	return found, fmt.Sprintf("Customer %s: account %s, name %q, email %s, locations %v", m.ID, m.AccountID, m.Name, m.Email, m.LocationIDs), nil
}

type nodeFound struct {
	Serial     string `json:"serial"`
	Claimed    bool   `json:"claimed"`
	CustomerID string `json:"customer_id,omitempty"`
	LocationID string `json:"location_id,omitempty"`
	PackID     string `json:"pack_id,omitempty"`
	PartnerID  string `json:"partner_id,omitempty"`
}

func lookupSerial(ctx context.Context, client *plume.Client, serial string) (any, string, error) {
	n, err := client.Nodes.Lookup(ctx, serial)
	if err != nil {
		return nil, fmt.Sprintf("serial %q is not in your inventory", serial), err
	}
	found := nodeFound{Serial: serial, Claimed: n.Claimed(), CustomerID: n.CustomerID, LocationID: n.LocationID, PackID: n.PackID, PartnerID: n.PartnerID}
	if !n.Claimed() {
		return found, fmt.Sprintf("Serial %s: in inventory, not claimed", serial), nil
	}
	return found, fmt.Sprintf("Serial %s: claimed by customer %s at location %s", serial, n.CustomerID, n.LocationID), nil
}

type locationFound struct {
	LocationID   string `json:"location_id"`
	Name         string `json:"name"`
	ServiceID    string `json:"service_id"`
	CustomerID   string `json:"customer_id"`
	CustomerName string `json:"customer_name"`
	AccountID    string `json:"account_id"`
}

func lookupServiceID(ctx context.Context, client *plume.Client, serviceID string) (any, string, error) {
	l, err := client.Locations.FindByServiceID(ctx, serviceID)
	if err != nil {
		return nil, fmt.Sprintf("no location has service id %q", serviceID), err
	}
	found := locationFound{LocationID: l.ID, Name: l.Name, ServiceID: l.ServiceID, CustomerID: l.CustomerID, CustomerName: l.CustomerName, AccountID: l.AccountID}
	return found, fmt.Sprintf("Service id %s: location %s (%q) of customer %s (account %s)", serviceID, l.ID, l.Name, l.CustomerID, l.AccountID), nil
}
