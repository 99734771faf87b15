package batch

import (
	"context"
	"sync"
)

// keyLocks keeps two rows with one key from running at once (a key twice in the input).
type keyLocks struct {
	mu   sync.Mutex
	busy map[string]chan struct{}
}

func (k *keyLocks) lock(ctx context.Context, op Operation, key string) error {
	id := string(op) + "\x00" + key
	for {
		k.mu.Lock()
		wait, held := k.busy[id]
		if !held {
			k.busy[id] = make(chan struct{})
			k.mu.Unlock()
			return nil
		}
		k.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (k *keyLocks) unlock(op Operation, key string) {
	id := string(op) + "\x00" + key
	k.mu.Lock()
	wait := k.busy[id]
	delete(k.busy, id)
	k.mu.Unlock()
	close(wait)
}
