package mail

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
)

// writeFile stores raw as a new .eml file in the folder. It writes a
// temporary file and renames it, so a reader watching the folder never
// sees half a message. Files are private to the owner: they hold reset
// links.
func (s *Sender) writeFile(raw []byte) error {
	dir := s.cfg.Dir
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("mail: folder: %w", err)
	}
	f, err := os.CreateTemp(dir, ".tmp-*.eml")
	if err != nil {
		return fmt.Errorf("mail: write: %w", err)
	}
	defer os.Remove(f.Name()) // a no-op once renamed
	if _, err := f.Write(raw); err != nil {
		f.Close()
		return fmt.Errorf("mail: write: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("mail: write: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("mail: write: %w", err)
	}
	b := make([]byte, 4)
	rand.Read(b)
	name := s.now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b) + ".eml"
	if err := os.Rename(f.Name(), filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("mail: write: %w", err)
	}
	return nil
}
