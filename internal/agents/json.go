package agents

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// object is a JSON object that keeps its members in order, each value as
// the bytes it was written with, so that a file can be changed in one
// place and written back otherwise unchanged.
type object struct {
	members []member
}

type member struct {
	key   string
	value json.RawMessage
}

// parseObject reads one JSON object (and nothing after it but white space).
func parseObject(data []byte) (*object, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxErr(data, dec, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("want a JSON object, found %s", describeToken(tok))
	}
	o := &object{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntaxErr(data, dec, err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("want an object key, found %s", describeToken(tok))
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, syntaxErr(data, dec, err)
		}
		o.members = append(o.members, member{key: key, value: raw})
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, syntaxErr(data, dec, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			return nil, errors.New("extra data after the JSON object")
		}
		return nil, syntaxErr(data, dec, err)
	}
	return o, nil
}

func syntaxErr(data []byte, dec *json.Decoder, err error) error {
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("unexpected end of JSON")
	}
	off := dec.InputOffset()
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	}
	line := 1 + bytes.Count(data[:min(int(off), len(data))], []byte("\n"))
	return fmt.Errorf("line %d: %w", line, err)
}

func describeToken(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		return fmt.Sprintf("%q", t.String())
	case string:
		return "a string"
	case nil:
		return "null"
	case bool:
		return "a boolean"
	}
	return "a number"
}

// get returns the value of the last member named key.
func (o *object) get(key string) (json.RawMessage, bool) {
	for i := len(o.members) - 1; i >= 0; i-- {
		if o.members[i].key == key {
			return o.members[i].value, true
		}
	}
	return nil, false
}

// set replaces the value of the last member named key, or appends one.
func (o *object) set(key string, v json.RawMessage) {
	for i := len(o.members) - 1; i >= 0; i-- {
		if o.members[i].key == key {
			o.members[i].value = v
			return
		}
	}
	o.members = append(o.members, member{key: key, value: v})
}

// remove deletes every member named key and reports whether there was one.
func (o *object) remove(key string) bool {
	out := o.members[:0]
	found := false
	for _, m := range o.members {
		if m.key == key {
			found = true
			continue
		}
		out = append(out, m)
	}
	o.members = out
	return found
}

func (o *object) len() int { return len(o.members) }

// getObject returns the object value of key; absent is an empty object.
func (o *object) getObject(key string) (*object, bool, error) {
	raw, ok := o.get(key)
	if !ok {
		return &object{}, false, nil
	}
	sub, err := parseObject(raw)
	if err != nil {
		return nil, true, fmt.Errorf("%q: %w", key, err)
	}
	return sub, true, nil
}

// getArray returns the array value of key; absent is an empty array.
func (o *object) getArray(key string) ([]json.RawMessage, bool, error) {
	raw, ok := o.get(key)
	if !ok {
		return nil, false, nil
	}
	var arr []json.RawMessage
	if err := json.Unmarshal(raw, &arr); err != nil {
		return nil, true, fmt.Errorf("%q: want an array: %w", key, err)
	}
	return arr, true, nil
}

// getString returns the string value of key, and whether it is one.
func (o *object) getString(key string) (string, bool) {
	raw, ok := o.get(key)
	if !ok {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// compact encodes o on one line, every value compacted.
func (o *object) compact() (json.RawMessage, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o.members {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshal(m.key)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		if err := json.Compact(&b, m.value); err != nil {
			return nil, fmt.Errorf("%q: %w", m.key, err)
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// indent encodes o with two-space indentation and a final newline.
func (o *object) indent() ([]byte, error) {
	c, err := o.compact()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := json.Indent(&b, c, "", "  "); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// marshal encodes v without escaping <, > and &, on one line.
func marshal(v any) (json.RawMessage, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

func marshalArray(a []json.RawMessage) (json.RawMessage, error) {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, v := range a {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := json.Compact(&b, v); err != nil {
			return nil, err
		}
	}
	b.WriteByte(']')
	return b.Bytes(), nil
}
