package main

import (
	"context"
	"errors"
	"log/slog"

	"github.com/plumecloud/plume-go"
)

// auditEntry is one audit line: who did what to which subscriber, and how it ended. It
// never holds a WiFi key, a password, a token or an error's text: failures are logged by
// kind, HTTP status and Plume request id, which is what Plume support asks for.
type auditEntry struct {
	Action     string
	Technician string
	Customer   string
	Location   string
	Target     string // a node id or serial, a service level
	Outcome    string // ok, failed, refused, throttled
	Err        error
	Detail     string
}

// audit writes one "audit" line at Info (Warn when the action failed).
func (p *Portal) audit(ctx context.Context, e auditEntry) {
	attrs := []slog.Attr{
		slog.String("action", e.Action),
		slog.String("technician", e.Technician),
		slog.String("outcome", e.Outcome),
	}
	for _, kv := range [][2]string{{"customer", e.Customer}, {"location", e.Location}, {"target", e.Target}, {"detail", e.Detail}} {
		if kv[1] != "" {
			attrs = append(attrs, slog.String(kv[0], kv[1]))
		}
	}
	level := slog.LevelInfo
	if e.Err != nil {
		level = slog.LevelWarn
		attrs = append(attrs, slog.String("error_kind", errorKind(e.Err)))
		var apiErr *plume.Error
		if errors.As(e.Err, &apiErr) {
			attrs = append(attrs, slog.Int("status", apiErr.StatusCode))
			if apiErr.RequestID != "" {
				attrs = append(attrs, slog.String("request_id", apiErr.RequestID))
			}
		}
		var onboardErr *plume.OnboardError
		if errors.As(e.Err, &onboardErr) {
			attrs = append(attrs, slog.String("step", onboardErr.Step))
		}
	}
	p.log.LogAttrs(ctx, level, "audit", attrs...)
}
