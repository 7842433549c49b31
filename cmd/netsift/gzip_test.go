package main

import (
	"compress/gzip"
	"io"
)

func gzipInto(w io.Writer, b []byte) {
	zw := gzip.NewWriter(w)
	zw.Write(b)
	zw.Close()
}
