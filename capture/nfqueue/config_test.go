package nfqueue

import (
	"context"
	"strings"
	"testing"
)

func TestConfigValidate(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want string // error substring, "" for valid
	}{
		{Config{}, ""},
		{Config{Queue: 65535, MaxQueueLen: 1, FailOpen: true, CopyRange: 0xffff}, ""},
		{Config{CopyRange: 128}, ""},
		{Config{CopyRange: 0x10000}, "over the kernel's limit"},
		{Config{CopyRange: 20}, "at least 40"},
	} {
		err := c.cfg.Validate()
		if (err == nil) != (c.want == "") || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%+v: Validate() = %v, want %q", c.cfg, err, c.want)
		}
	}
	d := Config{}.withDefaults()
	if d.MaxQueueLen != DefaultMaxQueueLen || d.CopyRange != DefaultCopyRange {
		t.Errorf("defaults %+v", d)
	}
}

func TestRunRejects(t *testing.T) {
	if err := Run(context.Background(), Config{CopyRange: 1 << 20}, func(*Packet) Verdict { return Verdict{} }); err == nil {
		t.Error("Run accepted an invalid config")
	}
	if err := Run(context.Background(), Config{}, nil); err == nil {
		t.Error("Run accepted a nil handler")
	}
}
