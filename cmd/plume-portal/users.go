package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// MinPasswordLength is the shortest password HashPassword accepts.
const MinPasswordLength = 10

// Users are the technician accounts: a name and a bcrypt hash each.
type Users struct {
	hashes map[string][]byte
	dummy  []byte // a hash compared against for unknown names, so that timing tells nothing
}

var userNameRE = regexp.MustCompile(`^[A-Za-z0-9._@-]{1,64}$`)

// LoadUsers reads a users file: one "name:bcrypt-hash" a line ($2a$, $2b$ or $2y$, as
// htpasswd -B writes), blank lines and lines starting with # ignored. A hash of a cost
// under bcrypt.DefaultCost is refused.
func LoadUsers(path string) (*Users, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s: readable by others (mode %v): chmod 600 it", path, st.Mode().Perm())
	}
	hashes := map[string][]byte{}
	maxCost := bcrypt.DefaultCost
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, hash, ok := strings.Cut(line, ":")
		if !ok || !userNameRE.MatchString(name) {
			return nil, fmt.Errorf("%s:%d: want name:bcrypt-hash, with a name of letters, digits and ._@-", path, n)
		}
		cost, err := bcrypt.Cost([]byte(hash))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: user %s: not a bcrypt hash", path, n, name)
		}
		if cost < bcrypt.DefaultCost {
			return nil, fmt.Errorf("%s:%d: user %s: bcrypt cost %d is under %d", path, n, name, cost, bcrypt.DefaultCost)
		}
		if _, dup := hashes[name]; dup {
			return nil, fmt.Errorf("%s:%d: user %s listed twice", path, n, name)
		}
		hashes[name] = []byte(hash)
		maxCost = max(maxCost, cost)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(hashes) == 0 {
		return nil, fmt.Errorf("%s: no technician accounts", path)
	}
	return newUsers(hashes, maxCost)
}

// DemoUsers is one account with a password hashed now (the built-in fake's demo account).
func DemoUsers(name, password string) (*Users, error) {
	return newUsersFromPasswords(map[string]string{name: password}, bcrypt.DefaultCost)
}

// newUsersFromPasswords hashes each password with cost (tests use bcrypt.MinCost).
func newUsersFromPasswords(passwords map[string]string, cost int) (*Users, error) {
	hashes := map[string][]byte{}
	for name, pw := range passwords {
		h, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
		if err != nil {
			return nil, err
		}
		hashes[name] = h
	}
	return newUsers(hashes, cost)
}

// dummyHash is a bcrypt hash at bcrypt.DefaultCost of a random string no one knows, made once.
const dummyHash = "$2a$10$LOnSAWs6DX03A0/I6WgKuehuwsgaeArseu0CG..YwyPPv9JPoN.Ru"

// newUsers keeps the hashes, with a dummy hash of the given cost (the highest of the file's)
// for the names that are not there.
func newUsers(hashes map[string][]byte, cost int) (*Users, error) {
	if cost == bcrypt.DefaultCost {
		return &Users{hashes: hashes, dummy: []byte(dummyHash)}, nil
	}
	dummy, err := bcrypt.GenerateFromPassword([]byte("not a password of anyone"), cost)
	if err != nil {
		return nil, err
	}
	return &Users{hashes: hashes, dummy: dummy}, nil
}

// Check reports whether password is name's. It costs one bcrypt comparison whether or not
// the name exists.
func (u *Users) Check(name, password string) bool {
	hash, known := u.hashes[name]
	if !known {
		hash = u.dummy
	}
	ok := bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
	return known && ok
}

// HashPassword returns the bcrypt hash of a password for the users file.
func HashPassword(password string) ([]byte, error) {
	if len(password) < MinPasswordLength {
		return nil, fmt.Errorf("a password needs at least %d characters", MinPasswordLength)
	}
	if len(password) > 72 {
		return nil, errors.New("bcrypt takes at most 72 bytes of password")
	}
	return bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
}
