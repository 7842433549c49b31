package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"
)

func itoa(i int) string { return strconv.Itoa(i) }

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// eventually calls f until it returns true or d has passed, at most every
// 200 ms and at most 100 times; it reports whether f returned true.
func eventually(d time.Duration, f func() bool) bool {
	deadline := time.Now().Add(d)
	for range 100 {
		if f() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(200 * time.Millisecond)
	}
	return false
}

func joinPort(ip string, port int) string { return net.JoinHostPort(ip, strconv.Itoa(port)) }

func newGet(ctx context.Context, url string) (*http.Request, error) {
	return http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
}
