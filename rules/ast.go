package rules

import "github.com/dlclark/regexp2"

// Action is a rule's action.
type Action string

// Rule actions Suricata accepts.
const (
	ActionAlert      Action = "alert"
	ActionDrop       Action = "drop"
	ActionReject     Action = "reject"
	ActionRejectSrc  Action = "rejectsrc"
	ActionRejectDst  Action = "rejectdst"
	ActionRejectBoth Action = "rejectboth"
	ActionPass       Action = "pass"
)

// Rule is one parsed, validated signature. Everything a matcher needs is in
// typed fields; Options keeps the raw option list in rule order for tools.
// A Rule is immutable after Parse returns.
type Rule struct {
	Action Action
	// Proto is the header protocol as written, lower case ("tcp", "http",
	// "tcp-pkt", …). AppProto is the app-layer protocol implied by it or by
	// app-layer keywords ("" when none), Transport the L4 it implies ("" for
	// ip/any).
	Proto     string
	AppProto  string
	Transport string

	SrcExpr, DstExpr         string // address group expressions as written
	SrcPortExpr, DstPortExpr string
	Src, Dst                 *AddrSet // compiled; shared between rules using the same expression
	SrcPorts, DstPorts       *PortSet
	Bidirectional            bool // "<>"

	GID, SID, Rev uint32 // GID defaults to 1
	Msg           string
	Classtype     string
	Priority      int // 0 = not set (then the classtype's priority applies)
	References    []Reference
	Metadata      []string // "key value" pairs as written
	Target        string   // "src_ip", "dest_ip" or ""

	Flow             Flow
	Flowbits         []Flowbit
	Threshold        *Threshold // threshold:
	DetectionFilter  *Threshold // detection_filter:
	AppLayerProtocol *AppLayerProtocol
	Dsize            *IntMatch
	ICMPType         *IntMatch // itype
	ICMPCode         *IntMatch // icode
	TCPFlags         string    // flags: value as written ("" = none)
	TLSVersion       uint16    // tls.version (0 = none): 0x0303 for TLS 1.2
	Noalert          bool      // noalert; or flowbits:noalert

	// Matches are the payload/buffer inspections in rule order. Each names its
	// buffer; relative modifiers (distance, within, R, relative) refer to the
	// previous Match with the same Buffer, so a matcher can compile one chain
	// per buffer by filtering this list.
	Matches []*Match

	Options []Option // every option as written, in order
	File    string
	Line    int // first line of the rule in File
}

// Reference is one reference:system,id option.
type Reference struct{ System, ID string }

// Option is one raw rule option. Value is as written, surrounding blanks
// trimmed, quotes kept; HasValue distinguishes "key;" from "key:;".
type Option struct {
	Name     string
	Value    string
	HasValue bool
}

// Flow is the flow: keyword.
type Flow struct {
	Established, NotEstablished, Stateless bool
	ToServer, ToClient                     bool // from_client = to_server, from_server = to_client
	OnlyStream, NoStream                   bool
	OnlyFrag, NoFrag                       bool
}

// FlowbitCmd is a flowbits command.
type FlowbitCmd string

// Flowbits commands.
const (
	FlowbitSet      FlowbitCmd = "set"
	FlowbitUnset    FlowbitCmd = "unset"
	FlowbitIsset    FlowbitCmd = "isset"
	FlowbitIsnotset FlowbitCmd = "isnotset"
	FlowbitToggle   FlowbitCmd = "toggle"
	FlowbitNoalert  FlowbitCmd = "noalert"
)

// Flowbit is one flowbits option. Names holds one name, or several joined by
// '|' (any-of, for isset/isnotset) or '&' (all-of) as Suricata allows; Or
// tells which.
type Flowbit struct {
	Cmd   FlowbitCmd
	Names []string
	Or    bool
}

// Threshold is threshold: or detection_filter:.
type Threshold struct {
	Type    string // limit, threshold, both; "" for detection_filter
	Track   string // by_src, by_dst, by_rule, by_both, by_flow
	Count   uint32
	Seconds uint32
}

// AppLayerProtocol is app-layer-protocol:[!]name.
type AppLayerProtocol struct {
	Name    string
	Negated bool
}

// IntMatch is a numeric comparison as used by dsize, bsize, urilen, itype:
// Op is one of "=", "!=", "<", ">", "<=", ">=", "<>" (exclusive range Min..Max).
type IntMatch struct {
	Op       string
	Val, Max uint64
}

// Num is a numeric modifier value: a literal, or a byte_extract variable name.
type Num struct {
	Set bool
	Val int64
	Var string // byte_extract variable, when the value is a name
}

// MatchKind says which field of a Match is set.
type MatchKind uint8

// Match kinds.
const (
	MatchContent MatchKind = iota + 1
	MatchPCRE
	MatchByteTest
	MatchByteJump
	MatchByteExtract
	MatchIsDataAt
	MatchBsize
	MatchBase64Decode
)

// Buffer names. BufferPacket is the default payload (pkt_data: packet
// payload or reassembled stream). Sticky buffers use Suricata's dotted
// names; legacy names are mapped to these.
const BufferPacket = "pkt_data"

// Match is one inspection in a buffer.
type Match struct {
	Kind   MatchKind
	Buffer string
	// Transforms are applied to the buffer before inspection (e.g.
	// "dotprefix"), in order.
	Transforms []string

	Content     *Content
	PCRE        *PCRE
	Byte        *ByteOp
	IsDataAt    *IsDataAt
	Size        *IntMatch // MatchBsize: buffer length
	Base64      *Base64Decode
	OptionIndex int // index of the keyword in Rule.Options, for messages
}

// Content is one content: match with its modifiers.
type Content struct {
	Pattern              []byte // decoded (hex and escapes resolved)
	Negated, Nocase      bool
	Offset, Depth        Num // absolute (from the buffer start)
	Distance, Within     Num // relative to the previous match in the buffer
	Startswith, Endswith bool
	FastPattern          bool
	FastPatternOnly      bool
	FPOffset, FPLen      int // fast_pattern:o,l; FPLen 0 = whole pattern
	Rawbytes             bool
}

// Relative reports whether the content is anchored to the previous match.
func (c *Content) Relative() bool { return c.Distance.Set || c.Within.Set }

// PCRE is one pcre: match. Pattern is the text between the slashes, as
// written (escapes kept for the regex engine).
type PCRE struct {
	Pattern       string
	Negated       bool
	Caseless      bool   // i
	Multiline     bool   // m
	DotAll        bool   // s
	Extended      bool   // x
	Anchored      bool   // A
	DollarEndOnly bool   // E
	Ungreedy      bool   // G
	Relative      bool   // R
	Rawbytes      bool   // B
	MatchLimit    bool   // O
	Flags         string // all flags as written

	re *regexp2.Regexp // compiled by the parser's check (Compiled)
}

// ByteOp is byte_test, byte_jump or byte_extract. Fields a kind does not use
// stay zero.
type ByteOp struct {
	Bytes    int
	Op       string // byte_test operator, with a leading '!' when negated
	Value    Num    // byte_test value
	Offset   Num
	Relative bool
	Endian   string // "big", "little", "dce" or ""
	String   string // "hex", "dec", "oct" or "" (binary)
	Bitmask  uint64
	// byte_jump
	Multiplier             int64
	PostOffset             int64
	Align                  bool
	FromBeginning, FromEnd bool
	// byte_extract
	Name  string
	Flags []string // remaining flags as written
}

// IsDataAt is isdataat:[!]n[,relative].
type IsDataAt struct {
	Negated  bool
	Offset   Num
	Relative bool
	RawBytes bool
}

// Base64Decode is base64_decode:[bytes n][,offset n][,relative].
type Base64Decode struct {
	Bytes, Offset int64
	Relative      bool
}
