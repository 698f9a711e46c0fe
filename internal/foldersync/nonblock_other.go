//go:build !unix

package foldersync

// nonBlock: opening a file never waits for a writer here.
const nonBlock = 0
