// Package markdown parses the handbook's Markdown (GitHub Flavored: tables,
// task lists, strikethrough, autolinks) into one syntax tree that the screen
// and the PDF renderers walk, and extracts what the handbook computes from
// it: checklist steps and message placeholders.
//
// Raw HTML is never interpreted: the parser has no HTML rules, so markup such
// as <script> stays ordinary text that every renderer shows as written.
package markdown

import (
	"fmt"
	"slices"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Parser returns the handbook's Markdown converter: GFM extensions on, raw
// HTML off. It is built once and safe for concurrent use.
func Parser() goldmark.Markdown { return converter() }

var converter = sync.OnceValue(func() goldmark.Markdown {
	p := parser.NewParser(
		parser.WithBlockParsers(without(parser.DefaultBlockParsers(), parser.NewHTMLBlockParser())...),
		parser.WithInlineParsers(without(parser.DefaultInlineParsers(), parser.NewRawHTMLParser())...),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
	)
	return goldmark.New(goldmark.WithParser(p), goldmark.WithExtensions(extension.GFM))
})

// without drops the parser of the same type as drop from list.
func without(list []util.PrioritizedValue, drop any) []util.PrioritizedValue {
	return slices.DeleteFunc(list, func(v util.PrioritizedValue) bool {
		return fmt.Sprintf("%T", v.Value) == fmt.Sprintf("%T", drop)
	})
}

// Parse parses src into the syntax tree the renderers walk. Text nodes point
// into src, so renderers need src alongside the tree.
func Parse(src []byte) ast.Node {
	return Parser().Parser().Parse(text.NewReader(src))
}
