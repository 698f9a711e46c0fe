package markdown

import (
	"net/url"
	"strings"
)

// linkSchemes are the link targets a renderer makes clickable: web pages,
// mail and phone numbers. Anything else (javascript:, file:, data:, smb:,
// a relative path a PDF reader would resolve against the disk) is shown as
// text, because a playbook may come from a shared folder or an import.
var linkSchemes = map[string]bool{"http": true, "https": true, "mailto": true, "tel": true}

// SafeLink returns dest as a URL to make clickable, or nil when dest is not
// an absolute http, https, mailto or tel address.
func SafeLink(dest string) *url.URL {
	if dest != strings.TrimSpace(dest) {
		return nil
	}
	u, err := url.Parse(dest)
	if err != nil || !linkSchemes[u.Scheme] {
		return nil
	}
	if (u.Scheme == "http" || u.Scheme == "https") && u.Host == "" {
		return nil
	}
	if (u.Scheme == "mailto" || u.Scheme == "tel") && u.Opaque == "" {
		return nil
	}
	return u
}
