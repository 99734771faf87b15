package plume

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/plumecloud/plume-go/internal/redact"
)

// maskedPrinter is a value that prints masked.
type maskedPrinter interface {
	fmt.Stringer
	fmt.GoStringer
}

// formatMasked writes v's GoString for %#v, its quoted String for %q, its String otherwise.
func formatMasked(f fmt.State, verb rune, v maskedPrinter) {
	switch {
	case verb == 'v' && f.Flag('#'):
		_, _ = io.WriteString(f, v.GoString())
	case verb == 'q':
		_, _ = io.WriteString(f, strconv.Quote(v.String()))
	default:
		_, _ = io.WriteString(f, v.String())
	}
}

// maskRaw returns raw, compacted, with secret-named members (encryptionKey, wpaKey, …) and
// the key itself masked.
func maskRaw(raw json.RawMessage, key string) string {
	var compact bytes.Buffer
	text := string(raw)
	if json.Compact(&compact, raw) == nil {
		text = compact.String()
	}
	if key != "" {
		text = strings.ReplaceAll(text, key, redact.Mask)
	}
	return redact.Fields(text)
}

// goTime prints t as Go source would build it, or the zero value.
func goTime(t time.Time) string {
	if t.IsZero() {
		return "time.Time{}"
	}
	return fmt.Sprintf("time.Date(%d, %d, %d, %d, %d, %d, %d, time.UTC)",
		t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond())
}
