package quic

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
)

// Initial salts (RFC 9001 §5.2, RFC 9369 §3.3.1, the drafts, and Google's
// QUIC versions that reuse the scheme).
var (
	saltV1      = []byte{0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a}
	saltV2      = []byte{0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9}
	saltDraft22 = []byte{0x7f, 0xbc, 0xdb, 0x0e, 0x7c, 0x66, 0xbb, 0xe9, 0x19, 0x3a, 0x96, 0xcd, 0x21, 0x51, 0x9e, 0xbd, 0x7a, 0x02, 0x64, 0x4a}
	saltDraft23 = []byte{0xc3, 0xee, 0xf7, 0x12, 0xc7, 0x2e, 0xbb, 0x5a, 0x11, 0xa7, 0xd2, 0x43, 0x2b, 0xb4, 0x63, 0x65, 0xbe, 0xf9, 0xf5, 0x02}
	saltDraft29 = []byte{0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97, 0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0, 0x43, 0x90, 0xa8, 0x99}
	saltQ050    = []byte{0x50, 0x45, 0x74, 0xef, 0xd0, 0x66, 0xfe, 0x2f, 0x9d, 0x94, 0x5c, 0xfc, 0xdb, 0xd3, 0xa7, 0xf0, 0xd3, 0xb5, 0x6b, 0x45}
	saltT050    = []byte{0x7f, 0xf5, 0x79, 0xe5, 0xac, 0xd0, 0x72, 0x91, 0x55, 0x80, 0x30, 0x4c, 0x43, 0xa2, 0x36, 0x7c, 0x60, 0x48, 0x83, 0x10}
	saltT051    = []byte{0x7a, 0x4e, 0xde, 0xf4, 0xe7, 0xcc, 0xee, 0x5f, 0xa4, 0x50, 0x6c, 0x19, 0x12, 0x4f, 0xc8, 0xcc, 0xda, 0x6e, 0x03, 0x3d}
)

func saltFor(v uint32) []byte {
	switch v {
	case v1:
		return saltV1
	case v2:
		return saltV2
	case gquicQ050:
		return saltQ050
	case gquicT050:
		return saltT050
	case gquicT051:
		return saltT051
	case mvfst22:
		return saltDraft22
	case mvfst27, mvfstExp:
		return saltDraft23
	}
	switch d := v & 0xff; {
	case d <= 22:
		return saltDraft22
	case d <= 28:
		return saltDraft23
	case d <= 32:
		return saltDraft29
	}
	return saltV1
}

// keys protect one direction's Initial packets.
type keys struct {
	aead cipher.AEAD
	iv   [12]byte
	hp   cipher.Block
}

// deriveKeys computes the Initial keys of one side ("client in" or
// "server in") for version v and the client's first Destination
// Connection ID. It allocates (HKDF, AES); it runs once per flow and
// direction, again only after a Retry or a DCID change.
func deriveKeys(v uint32, dcid []byte, server bool) (*keys, error) {
	key, iv, hpKey, err := deriveSecrets(v, dcid, server)
	if err != nil {
		return nil, err
	}
	blk, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(blk)
	if err != nil {
		return nil, err
	}
	hp, err := aes.NewCipher(hpKey)
	if err != nil {
		return nil, err
	}
	k := &keys{aead: aead, hp: hp}
	copy(k.iv[:], iv)
	return k, nil
}

// deriveSecrets returns the AEAD key, IV and header-protection key of one
// side's Initial packets (RFC 9001 §5.2; RFC 9369 §3.3 for v2's labels).
func deriveSecrets(v uint32, dcid []byte, server bool) (key, iv, hpKey []byte, err error) {
	prk, err := hkdf.Extract(sha256.New, dcid, saltFor(v))
	if err != nil {
		return nil, nil, nil, err
	}
	side := "client in"
	if server {
		side = "server in"
	}
	secret, err := expandLabel(prk, side, 32)
	if err != nil {
		return nil, nil, nil, err
	}
	lk, liv, lhp := "quic key", "quic iv", "quic hp"
	if v == v2 {
		lk, liv, lhp = "quicv2 key", "quicv2 iv", "quicv2 hp"
	}
	if key, err = expandLabel(secret, lk, 16); err != nil {
		return nil, nil, nil, err
	}
	if iv, err = expandLabel(secret, liv, 12); err != nil {
		return nil, nil, nil, err
	}
	hpKey, err = expandLabel(secret, lhp, 16)
	return key, iv, hpKey, err
}

// expandLabel is TLS 1.3's HKDF-Expand-Label with an empty context
// (RFC 8446 §7.1).
func expandLabel(secret []byte, label string, n int) ([]byte, error) {
	info := make([]byte, 0, 4+6+len(label))
	info = binary.BigEndian.AppendUint16(info, uint16(n))
	info = append(info, byte(6+len(label)))
	info = append(info, "tls13 "...)
	info = append(info, label...)
	info = append(info, 0)
	return hkdf.Expand(sha256.New, secret, string(info), n)
}

// open removes header protection from and decrypts the packet in pkt
// (a private copy the caller owns: it is modified in place) whose packet
// number starts at pnOff; largest is the largest packet number decrypted
// so far in this direction (-1 for none). It returns the plaintext
// payload (aliasing pkt) and the full packet number.
//
// nonce and mask are caller-owned scratch: slices of a local array would
// escape through the cipher interfaces and cost an allocation per packet.
func (k *keys) open(pkt []byte, pnOff int, largest int64, nonce *[12]byte, mask *[16]byte) ([]byte, int64, bool) {
	if pnOff+4+16 > len(pkt) {
		return nil, 0, false
	}
	k.hp.Encrypt(mask[:], pkt[pnOff+4:pnOff+20])
	pkt[0] ^= mask[0] & 0x0f
	pnLen := int(pkt[0]&3) + 1
	var trunc uint64
	for i := 0; i < pnLen; i++ {
		pkt[pnOff+i] ^= mask[1+i]
		trunc = trunc<<8 | uint64(pkt[pnOff+i])
	}
	pn := decodePN(largest, trunc, pnLen*8)
	*nonce = k.iv
	for i := 0; i < 8; i++ {
		nonce[4+i] ^= byte(uint64(pn) >> (56 - 8*i))
	}
	hdr := pkt[:pnOff+pnLen]
	ct := pkt[pnOff+pnLen:]
	if len(ct) < 16 {
		return nil, 0, false
	}
	pt, err := k.aead.Open(ct[:0], nonce[:], ct, hdr)
	if err != nil {
		return nil, 0, false
	}
	return pt, pn, true
}

// decodePN reconstructs a full packet number from its truncated form
// (RFC 9000 appendix A.3).
func decodePN(largest int64, truncated uint64, bits int) int64 {
	expected := largest + 1
	win := int64(1) << bits
	hwin := win / 2
	mask := win - 1
	candidate := (expected &^ mask) | int64(truncated)
	switch {
	case candidate <= expected-hwin && candidate < (1<<62)-win:
		return candidate + win
	case candidate > expected+hwin && candidate >= win:
		return candidate - win
	}
	return candidate
}
