package account

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"

	"github.com/lede-news/lede/internal/db"
)

// ErrBadCode is a TOTP code that is wrong, outside the ±1 step window, or
// already used.
var ErrBadCode = errors.New("account: wrong or already used code")

// ErrNoTOTP means the user has no second factor to check, or no pending
// secret to confirm.
var ErrNoTOTP = errors.New("account: no second factor set up")

const totpPeriod = 30 // seconds, what every authenticator app assumes

// TOTPSetup is what the enrolment page shows: the secret to type in, and
// the otpauth:// URL to draw as a QR code (otp.NewKeyFromURL(URL).Image).
type TOTPSetup struct {
	Secret string
	URL    string
}

// BeginTOTP draws a new secret for the user and keeps it pending until
// ConfirmTOTP sees a code made with it, so a mistyped enrolment never
// locks anyone out. issuer names the site in the authenticator app.
func (s *Store) BeginTOTP(ctx context.Context, userID int64, issuer string) (TOTPSetup, error) {
	u, err := s.ByID(ctx, userID)
	if err != nil {
		return TOTPSetup{}, err
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: u.Email, Period: totpPeriod})
	if err != nil {
		return TOTPSetup{}, fmt.Errorf("account: totp secret: %w", err)
	}
	if err := s.update(ctx, s.DB, userID, "begin totp", `totp_pending = ?`, key.Secret()); err != nil {
		return TOTPSetup{}, err
	}
	return TOTPSetup{Secret: key.Secret(), URL: key.URL()}, nil
}

// ConfirmTOTP turns the pending secret on when code matches it.
func (s *Store) ConfirmTOTP(ctx context.Context, userID int64, code string) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var pending string
		if err := tx.QueryRow(ctx, `SELECT totp_pending FROM users WHERE id = ?`, userID).Scan(&pending); err != nil {
			return fmt.Errorf("account: confirm totp %d: %w", userID, db.NotFound(err))
		}
		if pending == "" {
			return ErrNoTOTP
		}
		step, ok := matchStep(pending, code, s.now().Unix(), 0)
		if !ok {
			return ErrBadCode
		}
		return s.update(ctx, tx, userID, "confirm totp", `totp_secret = ?, totp_pending = '', totp_last_step = ?`, pending, step)
	})
}

// CheckTOTP accepts code as the user's second factor: right within ±1 time
// step, and of a later step than the last code accepted, so an overheard
// code cannot be replayed. Wrong codes count against TOTPKey in t.
func (s *Store) CheckTOTP(ctx context.Context, t *Throttle, userID int64, code string) error {
	key := TOTPKey(userID)
	if err := t.Check(ctx, key); err != nil {
		return err
	}
	var secret string
	var last int64
	err := s.DB.QueryRow(ctx, `SELECT totp_secret, totp_last_step FROM users WHERE id = ?`, userID).Scan(&secret, &last)
	if err != nil {
		return fmt.Errorf("account: check totp %d: %w", userID, db.NotFound(err))
	}
	if secret == "" {
		return ErrNoTOTP
	}
	step, ok := matchStep(secret, code, s.now().Unix(), last)
	if ok {
		// Conditional, so two nodes given the same code accept it once.
		res, err := s.DB.Exec(ctx, `UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?`, step, userID, step)
		if err != nil {
			return fmt.Errorf("account: check totp %d: %w", userID, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return t.Clear(ctx, key)
		}
	}
	return errors.Join(ErrBadCode, t.Fail(ctx, key))
}

// DisableTOTP turns the second factor off.
func (s *Store) DisableTOTP(ctx context.Context, userID int64) error {
	return s.update(ctx, s.DB, userID, "disable totp", `totp_secret = '', totp_pending = '', totp_last_step = 0`)
}

// matchStep finds the time step within ±1 of now, later than last, whose
// code is code.
func matchStep(secret, code string, now, last int64) (int64, bool) {
	code = strings.ReplaceAll(code, " ", "")
	if len(code) != 6 {
		return 0, false
	}
	cur := now / totpPeriod
	for step := cur - 1; step <= cur+1; step++ {
		if step <= last {
			continue
		}
		want, err := hotp.GenerateCodeCustom(secret, uint64(step), hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}
