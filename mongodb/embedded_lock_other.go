//go:build !unix

package mongodb

import "os"

// tryLock has no advisory lock to take on this system: the store's directory
// is not protected against a second process.
func tryLock(*os.File) (held bool, err error) { return false, nil }

func unlock(*os.File) error { return nil }
