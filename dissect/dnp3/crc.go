package dnp3

// crcTable is the DNP3 CRC-16 table (polynomial 0x3D65, reflected 0xA6BC).
var crcTable = func() (t [256]uint16) {
	for i := range t {
		c := uint16(i)
		for k := 0; k < 8; k++ {
			if c&1 != 0 {
				c = c>>1 ^ 0xa6bc
			} else {
				c >>= 1
			}
		}
		t[i] = c
	}
	return
}()

// crcOK reports whether the two bytes after b are b's DNP3 CRC (the ones'
// complement of the CRC, little endian).
func crcOK(b []byte, sum []byte) bool {
	var c uint16
	for _, x := range b {
		c = c>>8 ^ crcTable[byte(c)^x]
	}
	c = ^c
	return sum[0] == byte(c) && sum[1] == byte(c>>8)
}
