package reader

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/db"
)

var (
	// ErrEmailTaken refuses a sign-up for an address that has an account.
	ErrEmailTaken = errors.New("reader: the email address already has an account")
	// ErrBadCredentials is the one answer to a wrong email or password.
	ErrBadCredentials = errors.New("reader: wrong email or password")
	// ErrBadToken is a link that is unknown, already used or for another purpose.
	ErrBadToken = errors.New("reader: the link is not valid or was already used")
	// ErrTokenExpired is a link past its time.
	ErrTokenExpired = errors.New("reader: the link has expired")
	// ErrUnverifiedEmail refuses an external account whose provider does not
	// vouch for the email address.
	ErrUnverifiedEmail = errors.New("reader: the provider did not confirm the email address")
)

// Limits on what a reader types.
const (
	MaxName     = 50
	MinPassword = account.MinPassword
	maxPassword = 1024
)

// Errors maps a form field to the catalog key of what is wrong with it
// ("reader.err.email_invalid"); the web layer translates it.
type Errors map[string]string

func (e Errors) Error() string {
	var parts []string
	for _, f := range slices.Sorted(maps.Keys(e)) {
		parts = append(parts, f+": "+e[f])
	}
	return "reader: " + strings.Join(parts, "; ")
}

// NormalizeEmail is the form in which addresses are stored and looked up.
func NormalizeEmail(email string) string { return account.NormalizeEmail(email) }

// CheckEmail returns a catalog key when email (normalised) is not a bare
// address with a dotted domain, "" when it is.
func CheckEmail(email string) string {
	if email == "" {
		return "reader.err.email_required"
	}
	if len(email) > 254 {
		return "reader.err.email_invalid"
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Name != "" || a.Address != email {
		return "reader.err.email_invalid"
	}
	if domain := email[strings.LastIndexByte(email, '@')+1:]; !strings.Contains(domain, ".") && domain != "localhost" {
		return "reader.err.email_invalid"
	}
	return ""
}

// CleanName trims a display name and folds runs of white space into one
// space; it returns a catalog key when the name is empty, too long or holds
// control or invisible formatting characters.
func CleanName(name string) (string, string) {
	name = strings.Join(strings.Fields(name), " ")
	switch {
	case name == "":
		return "", "reader.err.name_required"
	case !utf8.ValidString(name):
		return "", "reader.err.name_invalid"
	case utf8.RuneCountInString(name) > MaxName:
		return "", "reader.err.name_long"
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return "", "reader.err.name_invalid"
		}
	}
	return name, ""
}

// CheckPassword returns a catalog key when p is too short or too long.
func CheckPassword(p string) string { return checkPassword(p) }

func checkPassword(p string) string {
	switch {
	case utf8.RuneCountInString(p) < MinPassword:
		return "reader.err.password_short"
	case len(p) > maxPassword:
		return "reader.err.password_long"
	}
	return ""
}

// Params are the password hashing costs (tests lower them).
var Params = account.DefaultParams

var (
	dummyOnce sync.Once
	dummy     string
)

// dummyHash is checked when the email is unknown, so that case takes as
// long as a wrong password.
func dummyHash() string {
	dummyOnce.Do(func() { dummy, _ = account.HashPassword("no such reader, no such password", Params) })
	return dummy
}

// SignUp creates an unverified account with a password. Every invalid
// field is reported at once (Errors); a taken address is ErrEmailTaken.
func (s *Store) SignUp(ctx context.Context, email, name, password string) (Reader, error) {
	email = NormalizeEmail(email)
	errs := Errors{}
	if k := CheckEmail(email); k != "" {
		errs["email"] = k
	}
	name, k := CleanName(name)
	if k != "" {
		errs["name"] = k
	}
	if k := checkPassword(password); k != "" {
		errs["password"] = k
	}
	if len(errs) > 0 {
		return Reader{}, errs
	}
	hash, err := account.HashPassword(password, Params)
	if err != nil {
		return Reader{}, err
	}
	var r Reader
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		r, err = s.create(ctx, tx, email, name, hash, 0)
		return err
	})
	return r, err
}

// create inserts a reader; verifiedAt 0 leaves the address unverified.
func (s *Store) create(ctx context.Context, tx *db.Tx, email, name, hash string, verifiedAt int64) (Reader, error) {
	id, err := tx.InsertID(ctx, `INSERT INTO readers (email, name, password_hash, verified_at, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (email) DO NOTHING`, email, name, hash, verifiedAt, s.now().Unix())
	if errors.Is(err, sql.ErrNoRows) {
		return Reader{}, ErrEmailTaken
	}
	if err != nil {
		return Reader{}, fmt.Errorf("reader: create %s: %w", email, err)
	}
	return scanReader(tx.QueryRow(ctx, `SELECT `+readerCols+` FROM readers WHERE id = ?`, id))
}

// ByEmail returns the reader with email, in any case, or db.ErrNotFound.
func (s *Store) ByEmail(ctx context.Context, email string) (Reader, error) {
	r, err := scanReader(s.DB.QueryRow(ctx, `SELECT `+readerCols+` FROM readers WHERE email = ?`, NormalizeEmail(email)))
	if err != nil {
		return Reader{}, fmt.Errorf("reader: by email: %w", err)
	}
	return r, nil
}

// Throttle keys: a reader's failures are counted apart from the newsroom's,
// so a reader who forgets a password cannot lock out a journalist.
func emailKey(email string) account.Key {
	return account.Key{Name: "reader:email:" + NormalizeEmail(email), Free: 5}
}

func addrKey(addr string) account.Key {
	k := account.AddrKey(addr)
	k.Name = "reader:" + k.Name
	return k
}

// SignIn checks an email and password, refusing with an
// *account.ThrottledError while the address or the client is locked out.
// Failures count against both; a success clears the email's count. A hash
// made with old costs is redone.
func (s *Store) SignIn(ctx context.Context, t *account.Throttle, email, password, addr string) (Reader, error) {
	keys := []account.Key{emailKey(email), addrKey(addr)}
	if err := t.Check(ctx, keys...); err != nil {
		return Reader{}, err
	}
	var id int64
	var hash string
	err := s.DB.QueryRow(ctx, `SELECT id, password_hash FROM readers WHERE email = ?`, NormalizeEmail(email)).Scan(&id, &hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Reader{}, fmt.Errorf("reader: sign in: %w", err)
	}
	if hash == "" { // unknown, or an account without a password
		account.CheckPassword(dummyHash(), password, Params)
		return Reader{}, errors.Join(ErrBadCredentials, t.Fail(ctx, keys...))
	}
	ok, rehash := account.CheckPassword(hash, password, Params)
	if !ok {
		return Reader{}, errors.Join(ErrBadCredentials, t.Fail(ctx, keys...))
	}
	if err := t.Clear(ctx, keys[0]); err != nil {
		return Reader{}, err
	}
	if rehash {
		if h, err := account.HashPassword(password, Params); err == nil {
			s.DB.Exec(ctx, `UPDATE readers SET password_hash = ? WHERE id = ?`, h, id)
		}
	}
	return s.Get(ctx, id)
}

// Settings are what a reader changes on the settings page.
type Settings struct {
	Name          string
	NotifyReplies bool
}

// Update saves settings; an invalid name is Errors and changes nothing.
func (s *Store) Update(ctx context.Context, id int64, set Settings) (Reader, error) {
	name, k := CleanName(set.Name)
	if k != "" {
		return Reader{}, Errors{"name": k}
	}
	res, err := s.DB.Exec(ctx, `UPDATE readers SET name = ?, notify_replies = ? WHERE id = ?`, name, set.NotifyReplies, id)
	if err != nil {
		return Reader{}, fmt.Errorf("reader: update %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Reader{}, fmt.Errorf("reader: update %d: %w", id, db.ErrNotFound)
	}
	return s.Get(ctx, id)
}

// SetPassword sets a new password (for an account made by link or
// provider, or a change); a weak one is Errors.
func (s *Store) SetPassword(ctx context.Context, id int64, password string) error {
	if k := checkPassword(password); k != "" {
		return Errors{"password": k}
	}
	hash, err := account.HashPassword(password, Params)
	if err != nil {
		return err
	}
	if _, err := s.DB.Exec(ctx, `UPDATE readers SET password_hash = ? WHERE id = ?`, hash, id); err != nil {
		return fmt.Errorf("reader: set password %d: %w", id, err)
	}
	return nil
}

// Forget is called inside the deletion's transaction before the reader's
// row goes: comment.ForgetReader, which anonymises (remove=false) or marks
// deleted (remove=true) the reader's comments.
type Forget func(ctx context.Context, tx *db.Tx, readerID int64, remove bool) error

// Delete removes the account, its sessions, identities and links, after
// forget has dealt with the reader's comments, all in one transaction: if
// any part fails nothing is deleted.
func (s *Store) Delete(ctx context.Context, id int64, removeComments bool, forget Forget) error {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if forget != nil {
			if err := forget(ctx, tx, id, removeComments); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM reader_tokens WHERE reader_id = ?`, id); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM readers WHERE id = ?`, id) // sessions and identities cascade
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return db.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reader: delete %d: %w", id, err)
	}
	return nil
}
