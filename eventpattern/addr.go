package eventpattern

import "net/netip"

// parseAddr parses an IPv4 address in dotted decimal or an IPv6 address
// (RFC 4291 text, with ::, an embedded IPv4 tail, no zone) without
// allocating, unlike netip.ParseAddr on a converted string.
func parseAddr(s []byte) (netip.Addr, bool) {
	for _, c := range s {
		if c == ':' {
			return parseIPv6(s)
		}
	}
	a, ok := parseIPv4(s)
	if !ok {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4(a), true
}

func parseIPv4(s []byte) ([4]byte, bool) {
	var a [4]byte
	for i := range 4 {
		if i > 0 {
			if len(s) == 0 || s[0] != '.' {
				return a, false
			}
			s = s[1:]
		}
		v, n := 0, 0
		for n < len(s) && s[n] >= '0' && s[n] <= '9' {
			v = v*10 + int(s[n]-'0')
			n++
			if n > 3 || v > 255 {
				return a, false
			}
		}
		if n == 0 || (n > 1 && s[0] == '0') {
			return a, false
		}
		a[i] = byte(v)
		s = s[n:]
	}
	return a, len(s) == 0
}

func parseIPv6(s []byte) (netip.Addr, bool) {
	var a [16]byte
	ellipsis := -1 // index in a where :: was
	i := 0
	if len(s) >= 2 && s[0] == ':' && s[1] == ':' {
		ellipsis, s = 0, s[2:]
		if len(s) == 0 {
			return netip.AddrFrom16(a), true
		}
	}
	for i < 16 {
		// An embedded IPv4 address ends the text.
		dot := false
		for _, c := range s {
			if c == ':' {
				break
			}
			if c == '.' {
				dot = true
				break
			}
		}
		if dot {
			if i > 12 {
				return netip.Addr{}, false
			}
			v4, ok := parseIPv4(s)
			if !ok {
				return netip.Addr{}, false
			}
			copy(a[i:], v4[:])
			i += 4
			s = nil
			break
		}
		v, n := 0, 0
		for n < len(s) && n < 5 {
			c := s[n]
			switch {
			case c >= '0' && c <= '9':
				v = v<<4 | int(c-'0')
			case c >= 'a' && c <= 'f':
				v = v<<4 | int(c-'a'+10)
			case c >= 'A' && c <= 'F':
				v = v<<4 | int(c-'A'+10)
			default:
				goto done
			}
			n++
		}
	done:
		if n == 0 || n > 4 {
			return netip.Addr{}, false
		}
		a[i], a[i+1] = byte(v>>8), byte(v)
		i += 2
		s = s[n:]
		if len(s) == 0 {
			break
		}
		if s[0] != ':' || len(s) == 1 {
			return netip.Addr{}, false
		}
		s = s[1:]
		if s[0] == ':' {
			if ellipsis >= 0 {
				return netip.Addr{}, false
			}
			ellipsis, s = i, s[1:]
			if len(s) == 0 {
				break
			}
		}
	}
	if len(s) != 0 {
		return netip.Addr{}, false
	}
	if i < 16 {
		if ellipsis < 0 {
			return netip.Addr{}, false
		}
		n := 16 - i
		copy(a[ellipsis+n:], a[ellipsis:i])
		clear(a[ellipsis : ellipsis+n])
	} else if ellipsis >= 0 {
		return netip.Addr{}, false
	}
	return netip.AddrFrom16(a), true
}
