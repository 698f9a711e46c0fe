package store

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
)

// plainStrings lists the JSON names of the fields of the struct type t
// (and of the structs it embeds) whose values are plain strings: any JSON
// string or null stands in them, so a value of that form needs no trial
// decoding. A name that occurs more than once, a string kept ",string",
// and a type of its own (which may decode itself) are left out.
func plainStrings(t reflect.Type) map[string]bool {
	seen := map[string]int{}
	plain := map[string]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := f.Type
			if f.Anonymous && name == "" {
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					if !implementsDecoder(ft) { // else t decodes itself: see below
						walk(ft)
					}
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			seen[name]++
			plain[name] = ft == reflect.TypeFor[string]() && !strings.Contains(","+opts+",", ",string,")
		}
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || implementsDecoder(t) {
		return map[string]bool{}
	}
	walk(t)
	for name, n := range seen {
		if n > 1 || !plain[name] {
			delete(plain, name)
		}
	}
	return plain
}

// implementsDecoder reports whether values of t (or pointers to them)
// decode themselves from JSON or text.
func implementsDecoder(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return t.Implements(reflect.TypeFor[json.Unmarshaler]()) || p.Implements(reflect.TypeFor[json.Unmarshaler]()) ||
		t.Implements(reflect.TypeFor[encoding.TextUnmarshaler]()) || p.Implements(reflect.TypeFor[encoding.TextUnmarshaler]())
}
