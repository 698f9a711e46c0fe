//go:build !unix

package foldersync

import "errors"

func mkfifo(string, uint32) error { return errors.New("no FIFOs on this system") }
