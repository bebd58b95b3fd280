/* Internet mail messages (mime.h). */
#include "mime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "utf8.h"

#define FOLD_COLUMN 78		/* RFC 5322's "SHOULD" line length */
#define WORD_MAX 75		/* an encoded-word's length (RFC 2047 section 2) */
#define WORD_OPEN "=?UTF-8?Q?"
#define WORD_CLOSE "?="
#define PLAIN_WORD_MAX 70	/* longer plain words cannot be folded: encode them */
#define QP_LINE 76		/* a quoted-printable line, "=" of a soft break included */

static const char hex[] = "0123456789ABCDEF";

int mime_addr_ok(const char *addr)
{
	size_t n = addr ? strlen(addr) : 0;
	const char *at = n ? strchr(addr, '@') : NULL;
	if (!at || n > 254 || at == addr || !at[1] || strchr(at + 1, '@'))
		return 0;
	for (const unsigned char *c = (const unsigned char *)addr; *c; c++)
		if (*c <= ' ' || *c >= 0x7f || strchr("<>()[]\\,;:\"", *c))
			return 0;
	return 1;
}

/* "<left@right>" in printable ASCII without spaces or more brackets. */
static int msgid_ok(const char *id)
{
	size_t n = id ? strlen(id) : 0;
	if (n < 5 || n > 250 || id[0] != '<' || id[n - 1] != '>')
		return 0;
	const char *at = memchr(id, '@', n);
	if (!at || at == id + 1 || at == id + n - 2 || memchr(at + 1, '@', (size_t)(id + n - at - 1)))
		return 0;
	for (size_t i = 1; i + 1 < n; i++)
		if (id[i] <= ' ' || id[i] >= 0x7f || id[i] == '<' || id[i] == '>')
			return 0;
	return 1;
}

/* An http(s) URL that can sit between < and > in a header. */
static int header_url_ok(const char *u)
{
	if (!u || (strncmp(u, "https://", 8) && strncmp(u, "http://", 7)) || strlen(u) > 900)
		return 0;
	for (const unsigned char *c = (const unsigned char *)u; *c; c++)
		if (*c <= ' ' || *c >= 0x7f || *c == '<' || *c == '>')
			return 0;
	return 1;
}

void mime_date(time_t t, char out[40])
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
	    "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	/* Names in English whatever the locale: the RFC spells them. */
	if (!gmtime_r(&t, &tm) || tm.tm_year < 0 || tm.tm_year > 8099) {
		memset(&tm, 0, sizeof tm);
		tm.tm_year = 70;	/* the epoch, a Thursday */
		tm.tm_mday = 1;
		tm.tm_wday = 4;
	}
	snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7],
	    tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* ---- header fields ---------------------------------------------------- */

/* A header field being written: col is the current line's length, words
 * how many words it has so far, enc_line whether the current line holds
 * an encoded-word (such lines are kept to 76 characters: RFC 2047). */
struct field {
	struct buf *out;
	size_t col;
	int words, enc_line;
};

#define ENC_LINE 76

static void field_begin(struct field *f, struct buf *out, const char *name)
{
	memset(f, 0, sizeof *f);
	f->out = out;
	buf_puts(out, name);
	buf_putc(out, ':');
	f->col = strlen(name) + 1;
}

static void field_end(struct field *f)
{
	buf_puts(f->out, "\r\n");
}

/* Appends a word after a space, or after a fold (CRLF and the space) when
 * it would not fit on the line. Unfolding removes only the CRLF, so the
 * text reads the same either way. The first word always stays beside the
 * field's name. */
static void field_word(struct field *f, const char *w, size_t n, int encoded)
{
	size_t limit = f->enc_line || encoded ? ENC_LINE : FOLD_COLUMN;
	if (f->words && f->col + 1 + n > limit) {
		buf_puts(f->out, "\r\n");
		f->col = 0;
		f->enc_line = 0;
	}
	buf_putc(f->out, ' ');
	buf_append(f->out, w, n);
	f->col += 1 + n;
	f->words++;
	f->enc_line |= encoded;
}

/* The bytes Q encoding may leave as they are in any header position,
 * phrases included (RFC 2047 section 5, rule 3). */
static int q_plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '!' || c == '*' || c == '+' || c == '-' || c == '/';
}

/* s as a run of Q encoded-words, each of whole characters and at most
 * WORD_MAX long, one a line after the first (whitespace between
 * encoded-words is not part of the text, so spaces travel inside them as
 * '_'). The first word fits on the line it starts. */
static void encoded_words(struct field *f, const char *s)
{
	struct buf w = {0};
	const size_t frame = strlen(WORD_OPEN) + strlen(WORD_CLOSE);
	size_t n = strlen(s), used = 0, room = WORD_MAX - frame;
	if (!f->words && f->col + 1 + WORD_MAX > ENC_LINE && ENC_LINE > f->col + 1 + frame + 12)
		room = ENC_LINE - f->col - 1 - frame;
	for (size_t i = 0; i < n;) {
		size_t l = utf8_seq((const unsigned char *)s + i, n - i), need = 0;
		if (!l)
			l = 1;	/* cleaned before: cannot happen */
		for (size_t k = 0; k < l; k++)
			need += q_plain((unsigned char)s[i + k]) || s[i + k] == ' ' ? 1 : 3;
		if (used && used + need > room) {
			buf_puts(&w, WORD_CLOSE);
			field_word(f, w.data, w.len, 1);
			buf_reset(&w);
			used = 0;
			room = WORD_MAX - frame;
		}
		if (!used)
			buf_puts(&w, WORD_OPEN);
		for (size_t k = 0; k < l; k++) {
			unsigned char c = (unsigned char)s[i + k];
			if (c == ' ')
				buf_putc(&w, '_');
			else if (q_plain(c))
				buf_putc(&w, (char)c);
			else {
				buf_putc(&w, '=');
				buf_putc(&w, hex[c >> 4]);
				buf_putc(&w, hex[c & 15]);
			}
		}
		used += need;
		i += l;
	}
	if (used) {
		buf_puts(&w, WORD_CLOSE);
		field_word(f, w.data, w.len, 1);
	}
	buf_free(&w);
}

/* A header value as text that cannot break the header: valid UTF-8 with
 * every control character (CR and LF included) a space. Caller frees. */
static char *header_clean(const char *v)
{
	return utf8_clean(v ? v : "", v ? strlen(v) : 0, UTF8_CTL_SPACE);
}

/* 1 when s can be written as it is: printable ASCII, nothing a decoder
 * could take for an encoded-word, and every word short enough to fold. */
static int plain_ok(const char *s)
{
	size_t word = 0;
	if (strstr(s, "=?"))
		return 0;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c < ' ' || *c >= 0x7f)
			return 0;
		word = *c == ' ' ? 0 : word + 1;
		if (word > PLAIN_WORD_MAX)
			return 0;
	}
	return 1;
}

void mime_header_text(struct buf *out, const char *name, const char *value)
{
	struct field f;
	char *v = header_clean(value);
	field_begin(&f, out, name);
	if (!plain_ok(v)) {
		encoded_words(&f, v);
	} else {
		/* Word by word: a run of spaces gives empty words, each a space. */
		for (const char *p = v;;) {
			size_t n = strcspn(p, " ");
			field_word(&f, p, n, 0);
			if (!p[n])
				break;
			p += n + 1;
		}
	}
	field_end(&f);
	free(v);
}

void mime_header_addr(struct buf *out, const char *name, const char *display, const char *addr)
{
	struct field f;
	char *d = header_clean(display);
	char *a = xasprintf("<%s>", addr);
	field_begin(&f, out, name);
	str_trim(d);
	if (*d && plain_ok(d) && strlen(d) <= PLAIN_WORD_MAX) {
		struct buf q = {0};
		buf_putc(&q, '"');
		for (const char *c = d; *c; c++) {
			if (*c == '"' || *c == '\\')
				buf_putc(&q, '\\');
			buf_putc(&q, *c);
		}
		buf_putc(&q, '"');
		field_word(&f, q.data, q.len, 0);
		buf_free(&q);
	} else if (*d) {
		encoded_words(&f, d);
	}
	field_word(&f, a, strlen(a), 0);
	field_end(&f);
	free(a);
	free(d);
}

/* A header whose value is one token that must not be folded inside. It
 * stays beside the name even when long (a URL): lines may be 998 long, and
 * readers take a value folded onto a line of its own with a leading space. */
static void header_token(struct buf *out, const char *name, const char *value)
{
	struct field f;
	field_begin(&f, out, name);
	field_word(&f, value, strlen(value), 0);
	field_end(&f);
}

/* ---- bodies ----------------------------------------------------------- */

/* 1 when line[i] must be written =XX, col being where it would go. */
static int qp_encode(const char *line, size_t i, size_t len, size_t col)
{
	unsigned char c = (unsigned char)line[i];
	if (c == '=' || c >= 0x7f || (c < ' ' && c != '\t'))
		return 1;
	if ((c == ' ' || c == '\t') && i + 1 == len)
		return 1;	/* trailing white space may be lost in transit */
	return col == 0 && (c == '.' || (c == 'F' && len - i >= 5 && !memcmp(line + i, "From ", 5)));
}

void mime_qp(struct buf *out, const char *text)
{
	const char *p = text ? text : "";
	while (*p) {
		size_t n = strcspn(p, "\n"), len = n, col = 0;
		if (len && p[len - 1] == '\r')
			len--;
		for (size_t i = 0; i < len; i++) {
			int enc = qp_encode(p, i, len, col);
			/* Room for a soft break's "=", unless this ends the line. */
			if (col && col + (enc ? 3 : 1) > QP_LINE - (i + 1 == len ? 0 : 1)) {
				buf_puts(out, "=\r\n");
				col = 0;
				enc = qp_encode(p, i, len, col);
			}
			unsigned char c = (unsigned char)p[i];
			if (enc) {
				buf_putc(out, '=');
				buf_putc(out, hex[c >> 4]);
				buf_putc(out, hex[c & 15]);
			} else {
				buf_putc(out, (char)c);
			}
			col += enc ? 3 : 1;
		}
		buf_puts(out, "\r\n");
		p += n;
		if (*p == '\n')
			p++;
	}
}

/* A part's headers and its body in quoted-printable. */
static void part(struct buf *out, const char *type, const char *body)
{
	buf_printf(out, "Content-Type: %s; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n", type);
	mime_qp(out, body);
}

int mime_build(const struct mime_mail *m, struct buf *out, const char **why)
{
	char date[40];
	if (!mime_addr_ok(m->from)) {
		*why = "the sender's address (mail_from) is not one mail can carry";
		return -1;
	}
	if (!mime_addr_ok(m->to)) {
		*why = "the recipient's address is not one mail can carry";
		return -1;
	}
	if (!msgid_ok(m->message_id)) {
		*why = "the notification's Message-ID is malformed";
		return -1;
	}
	mime_date(m->date, date);
	header_token(out, "Date", date);
	mime_header_addr(out, "From", m->from_name, m->from);
	if (m->reply_to && mime_addr_ok(m->reply_to))
		mime_header_addr(out, "Reply-To", NULL, m->reply_to);
	mime_header_addr(out, "To", NULL, m->to);
	mime_header_text(out, "Subject", m->subject);
	header_token(out, "Message-ID", m->message_id);
	if (header_url_ok(m->list_unsubscribe)) {
		char *u = xasprintf("<%s>", m->list_unsubscribe);
		header_token(out, "List-Unsubscribe", u);
		header_token(out, "List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
		free(u);
	}
	/* RFC 3834: an automatic message, so auto-responders leave it be. */
	header_token(out, "Auto-Submitted", "auto-generated");
	header_token(out, "MIME-Version", "1.0");
	if (!m->html) {
		part(out, "text/plain", m->text);
		return 0;
	}
	/* "=_" cannot occur in quoted-printable, so the boundary cannot occur
	 * in a part; made from the Message-ID, a retry's bytes are the same. */
	unsigned char h[12];
	char b[2 * sizeof h + 1];
	crypto_generichash(h, sizeof h, (const unsigned char *)m->message_id,
	    strlen(m->message_id), NULL, 0);
	sodium_bin2hex(b, sizeof b, h, sizeof h);
	buf_printf(out, "Content-Type: multipart/alternative;\r\n boundary=\"=_hm_%s\"\r\n\r\n", b);
	buf_printf(out, "--=_hm_%s\r\n", b);
	part(out, "text/plain", m->text);
	buf_printf(out, "--=_hm_%s\r\n", b);
	part(out, "text/html", m->html);
	buf_printf(out, "--=_hm_%s--\r\n", b);
	return 0;
}
