package plume

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/oauth2"
)

// TokenCache stores a bearer token so that several clients or processes share one.
type TokenCache interface {
	// Get returns the stored token, or nil, nil when there is none.
	Get(ctx context.Context) (*oauth2.Token, error)
	// Put stores t.
	Put(ctx context.Context, t *oauth2.Token) error
}

// FileTokenCache is a TokenCache in one file, written with mode 0600 and replaced atomically.
// Use one file per credential.
type FileTokenCache struct {
	Path string
}

// NewFileTokenCache returns a FileTokenCache at path.
func NewFileTokenCache(path string) *FileTokenCache { return &FileTokenCache{Path: path} }

type fileToken struct {
	AccessToken string    `json:"access_token"`
	TokenType   string    `json:"token_type,omitempty"`
	Expiry      time.Time `json:"expiry,omitzero"`
}

// Get reads the token; a missing file is no token.
func (f *FileTokenCache) Get(ctx context.Context) (*oauth2.Token, error) {
	data, err := os.ReadFile(f.Path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("plume: token cache: %w", err)
	}
	var ft fileToken
	if err := json.Unmarshal(data, &ft); err != nil || ft.AccessToken == "" {
		return nil, nil // a damaged file is treated as empty and replaced by the next Put
	}
	return &oauth2.Token{AccessToken: ft.AccessToken, TokenType: ft.TokenType, Expiry: ft.Expiry}, nil
}

// Put writes t to a temporary file with mode 0600 beside Path and renames it over Path.
func (f *FileTokenCache) Put(ctx context.Context, t *oauth2.Token) error {
	if t == nil {
		return nil
	}
	data, err := json.Marshal(fileToken{AccessToken: t.AccessToken, TokenType: t.TokenType, Expiry: t.Expiry})
	if err != nil {
		return fmt.Errorf("plume: token cache: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.Path), "."+filepath.Base(f.Path)+".*")
	if err != nil {
		return fmt.Errorf("plume: token cache: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("plume: token cache: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("plume: token cache: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("plume: token cache: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("plume: token cache: %w", err)
	}
	if err := os.Rename(tmp.Name(), f.Path); err != nil {
		return fmt.Errorf("plume: token cache: %w", err)
	}
	return nil
}

// A TokenCache shared by processes may coordinate their fetches, as
// github.com/plumecloud/plume-go/redis does: Get answers nil to one process and makes the
// others wait for its token. Such a cache may also implement these two; the SDK calls them.
type (
	// tokenInvalidator drops a stored token the API answered 401 to, before the Get that
	// follows, so that the processes agree on one new fetch instead of each fetching its own.
	tokenInvalidator interface {
		Invalidate(ctx context.Context, accessToken string) error
	}
	// tokenUnlocker learns that the fetch which followed a Get answering nil failed, so that
	// another process may fetch at once.
	tokenUnlocker interface {
		Unlock(ctx context.Context) error
	}
)
