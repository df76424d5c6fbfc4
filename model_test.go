package balcao

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

func TestMessageSeal(t *testing.T) {
	m := &Message{Raw: []byte("From: a@b.pt\r\n\r\nolá\r\n"), Attachments: []*Attachment{{Data: []byte("PNG")}}}
	if m.Sealed() {
		t.Fatal("sealed before Seal")
	}
	m.Seal()
	raw := sha256.Sum256(m.Raw)
	att := sha256.Sum256([]byte("PNG"))
	if !m.Sealed() || m.RawSHA256 != hex.EncodeToString(raw[:]) || m.Attachments[0].SHA256 != hex.EncodeToString(att[:]) || m.Attachments[0].Size != 3 {
		t.Fatalf("seal: %+v %+v", m, m.Attachments[0])
	}
}
