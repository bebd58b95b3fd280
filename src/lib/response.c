#include "response.h"

#include <string.h>
#include <unistd.h>

#include <sodium.h>

void resp_init(struct resp *r, int head_only)
{
	memset(r, 0, sizeof *r);
	r->head_only = head_only;
}

static int header_safe(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

int resp_header(struct resp *r, const char *name, const char *value)
{
	if (!header_safe(name) || !header_safe(value)) {
		log_err("refused a header with a control character");
		return -1;
	}
	buf_printf(&r->head, "%s: %s\r\n", name, value);
	return 0;
}

void resp_security_headers(struct resp *r)
{
	r->csp = 1;
	resp_header(r, "Referrer-Policy", "same-origin");
	resp_header(r, "Cache-Control", "no-store");
	resp_header(r, "X-Robots-Tag", "noindex, nofollow");
	resp_header(r, "X-Content-Type-Options", "nosniff");
	resp_header(r, "X-Frame-Options", "DENY");
	resp_header(r, "Cross-Origin-Opener-Policy", "same-origin");
}

const char *status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

static void write_all(const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(STDOUT_FILENO, p, n);
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

void resp_finish(struct resp *r, int status, const char *ctype, const void *body, size_t n)
{
	struct buf out = {0};
	buf_reset(&r->out);
	buf_printf(&out, "Status: %d %s\r\n", status, status_text(status));
	if (ctype)
		buf_printf(&out, "Content-Type: %s\r\n", ctype);
	buf_printf(&out, "Content-Length: %zu\r\n", n);
	/* Written last so a page can still allow its one generated style. */
	if (r->csp)
		buf_printf(&out, "Content-Security-Policy: default-src 'none'; style-src 'self'%s%s%s; "
		    "img-src 'self' data:; script-src 'self'; connect-src 'self'; form-action 'self'; "
		    "frame-ancestors 'none'; base-uri 'none'\r\n",
		    *r->style_hash ? " 'sha256-" : "", r->style_hash, *r->style_hash ? "'" : "");
	if (r->head.len)
		buf_append(&out, r->head.data, r->head.len);
	buf_puts(&out, "\r\n");
	if (!r->head_only && n)
		buf_append(&out, body, n);
	buf_free(&r->out);
	r->out = out;
}

void resp_flush(struct resp *r)
{
	if (r->out.len)
		write_all(r->out.data, r->out.len);
	buf_reset(&r->out);
}

void resp_allow_style(struct resp *r, const char *css)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)css, strlen(css));
	sodium_bin2base64(r->style_hash, sizeof r->style_hash, h, sizeof h,
	    sodium_base64_VARIANT_ORIGINAL);
}

void resp_free(struct resp *r)
{
	buf_free(&r->head);
	buf_free(&r->out);
}
