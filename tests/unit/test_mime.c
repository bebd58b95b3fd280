/* Unit tests for src/lib/mime.c (headers, RFC 2047 words, folding,
 * quoted-printable, whole messages), src/lib/outbound.c (the SMS gateway's
 * escaping, redacted recipients) and src/model/mail.c (a notification as
 * an email). Round trips decode with small decoders written here. */
#include "check.h"
#include "mail.h"
#include "mime.h"
#include "outbound.h"
#include "utf8.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Every line of s ends in CRLF (no bare CR or LF) and is at most max long. */
static int lines_ok(const char *s, size_t max)
{
	size_t col = 0;
	for (const char *p = s; *p; p++) {
		if (*p == '\r') {
			if (p[1] != '\n')
				return 0;
			p++;
			col = 0;
			continue;
		}
		if (*p == '\n' || ++col > max)
			return 0;
	}
	return col == 0;
}

/* Unfolds a header field and decodes its encoded-words (Q, UTF-8 only, as
 * we write them): what a mail reader shows. Caller frees. */
static char *header_decode(const char *field)
{
	struct buf b = {0};
	const char *p = strchr(field, ':') + 1;
	int prev_word = 0;
	if (*p == ' ')
		p++;
	while (*p) {
		if (p[0] == '\r' && p[1] == '\n') {
			p += 2;
			if (*p != ' ')
				break;	/* the end of the field */
			continue;	/* a fold: the space after it stays */
		}
		if (!strncmp(p, "=?UTF-8?Q?", 10)) {
			/* White space between two encoded-words is dropped. */
			if (prev_word && b.len && b.data[b.len - 1] == ' ')
				b.len--;
			p += 10;
			while (*p && strncmp(p, "?=", 2)) {
				if (*p == '_')
					buf_putc(&b, ' ');
				else if (*p == '=' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
					buf_putc(&b, (char)(hexval(p[1]) << 4 | hexval(p[2])));
					p += 2;
				} else
					buf_putc(&b, *p);
				p++;
			}
			p += 2;
			prev_word = 1;
			continue;
		}
		if (*p != ' ')
			prev_word = 0;
		buf_putc(&b, *p++);
	}
	return buf_detach(&b);
}

/* Decodes quoted-printable with CRLF line ends back to LF text. */
static char *qp_decode(const char *s)
{
	struct buf b = {0};
	for (const char *p = s; *p;) {
		if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
			p += 3;
		} else if (p[0] == '=' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
			buf_putc(&b, (char)(hexval(p[1]) << 4 | hexval(p[2])));
			p += 3;
		} else if (p[0] == '\r' && p[1] == '\n') {
			buf_putc(&b, '\n');
			p += 2;
		} else {
			buf_putc(&b, *p++);
		}
	}
	return buf_detach(&b);
}

static char *text_field(const char *name, const char *value)
{
	struct buf b = {0};
	mime_header_text(&b, name, value);
	return buf_detach(&b);
}

static char *addr_field(const char *name, const char *display, const char *addr)
{
	struct buf b = {0};
	mime_header_addr(&b, name, display, addr);
	return buf_detach(&b);
}

static void test_header_text(void)
{
	static const struct {
		const char *in, *want;	/* want: the exact field */
		const char *shown;	/* what a reader shows (NULL: in) */
	} cases[] = {
		{ "Hello", "Subject: Hello\r\n", NULL },
		{ "", "Subject: \r\n", NULL },
		{ "Your ring is ready", "Subject: Your ring is ready\r\n", NULL },
		/* CR and LF from the data become spaces: no header can be added. */
		{ "Hi\r\nBcc: evil@example.com", "Subject: Hi  Bcc: evil@example.com\r\n",
		    "Hi  Bcc: evil@example.com" },
		{ "Hi\nTo: x", "Subject: Hi To: x\r\n", "Hi To: x" },
		{ "tab\there", "Subject: tab here\r\n", "tab here" },
		{ "Zo\xc3\xab", "Subject: =?UTF-8?Q?Zo=C3=AB?=\r\n", NULL },
		{ "Caf\xc3\xa9 au lait", "Subject: =?UTF-8?Q?Caf=C3=A9_au_lait?=\r\n", NULL },
		{ "a_b=c?d", "Subject: a_b=c?d\r\n", NULL },
		{ "\xe2\x82\xac 5_=?", "Subject: =?UTF-8?Q?=E2=82=AC_5=5F=3D=3F?=\r\n", NULL },
		/* Text that looks like an encoded-word is encoded, so it reads as typed. */
		{ "=?UTF-8?B?SGk=?=", "Subject: =?UTF-8?Q?=3D=3FUTF-8=3FB=3FSGk=3D=3F=3D?=\r\n", NULL },
		/* Invalid UTF-8 is replaced, not passed on. */
		{ "bad\xff", "Subject: =?UTF-8?Q?bad=EF=BF=BD?=\r\n", "bad\xef\xbf\xbd" },
		{ "Hi\r\n\xc3\xa9", "Subject: =?UTF-8?Q?Hi__=C3=A9?=\r\n", "Hi  \xc3\xa9" },
	};
	for (size_t i = 0; i < HM_NELEM(cases); i++) {
		char *got = text_field("Subject", cases[i].in);
		CHECK_STR(got, cases[i].want);
		char *shown = header_decode(got);
		CHECK_STR(shown, cases[i].shown ? cases[i].shown : cases[i].in);
		free(shown);
		free(got);
	}
}

/* Long values fold at 78 (76 where encoded-words are), every encoded-word
 * is at most 75 characters of whole UTF-8 characters, and unfolding and
 * decoding gives the text back. */
static void test_header_folding(void)
{
	const char *texts[] = {
		"Hartley & Daughters Jewellers: your 18ct yellow gold engagement ring with the "
		    "round solitaire is ready to collect from the workshop",
		"Hartley & Daughters Jewellers \xe2\x80\x94 Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m, your "
		    "\xe6\x8c\x87\xe8\xbc\xaa (ring) is ready \xf0\x9f\x92\x8d\xf0\x9f\x92\x8d"
		    "\xf0\x9f\x92\x8d and waiting for you at the counter",
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
		/* One word too long to fold: encoded so it can be. */
		"https://track.example.com/a-very-long-path-without-any-space-in-it-at-all-"
		    "0123456789012345678901234567890123456789",
	};
	for (size_t i = 0; i < HM_NELEM(texts); i++) {
		char *got = text_field("Subject", texts[i]);
		int encoded = strstr(got, "=?UTF-8?Q?") != NULL;
		CHECK(lines_ok(got, encoded ? 76 : 78));
		CHECK(strstr(got, "\r\n ") != NULL);	/* it did fold */
		/* Each encoded-word: at most 75, whole characters. */
		for (const char *w = got; (w = strstr(w, "=?UTF-8?Q?"));) {
			const char *end = strstr(w + 10, "?=");
			CHECK(end && end + 2 - w <= 75);
			struct buf word = {0};
			buf_puts(&word, "X: ");
			buf_append(&word, w, (size_t)(end + 2 - w));
			buf_puts(&word, "\r\n");
			char *d = header_decode(word.data);
			CHECK(utf8_valid(d, strlen(d)));
			free(d);
			buf_free(&word);
			w = end + 2;
		}
		char *shown = header_decode(got);
		CHECK_STR(shown, texts[i]);
		free(shown);
		free(got);
	}
	CHECK(strstr(texts[3], "=?") == NULL);
}

static void test_header_addr(void)
{
	static const struct {
		const char *display, *want, *shown;
	} cases[] = {
		{ "Hartley & Daughters", "From: \"Hartley & Daughters\" <shop@example.com>\r\n",
		    "\"Hartley & Daughters\" <shop@example.com>" },
		{ "Say \"Hi\" \\o/", "From: \"Say \\\"Hi\\\" \\\\o/\" <shop@example.com>\r\n", NULL },
		{ NULL, "From: <shop@example.com>\r\n", "<shop@example.com>" },
		{ "", "From: <shop@example.com>\r\n", "<shop@example.com>" },
		{ "  ", "From: <shop@example.com>\r\n", "<shop@example.com>" },
		{ "Evil\r\nBcc: x@y", "From: \"Evil  Bcc: x@y\" <shop@example.com>\r\n", NULL },
		{ "Zo\xc3\xab's", "From: =?UTF-8?Q?Zo=C3=AB=27s?= <shop@example.com>\r\n",
		    "Zo\xc3\xab's <shop@example.com>" },
	};
	for (size_t i = 0; i < HM_NELEM(cases); i++) {
		char *got = addr_field("From", cases[i].display, "shop@example.com");
		CHECK_STR(got, cases[i].want);
		if (cases[i].shown) {
			char *shown = header_decode(got);
			CHECK_STR(shown, cases[i].shown);
			free(shown);
		}
		free(got);
	}
	/* A long non-ASCII name folds before the address, within 76. */
	char *got = addr_field("From", "Atelier Joaill\xc3\xa9rie Fran\xc3\xa7oise et "
	    "Fils, Ma\xc3\xaetres Artisans depuis 1923 \xe2\x80\x94 Paris", "atelier@example.fr");
	CHECK(lines_ok(got, 76));
	char *shown = header_decode(got);
	CHECK_STR(shown, "Atelier Joaill\xc3\xa9rie Fran\xc3\xa7oise et Fils, Ma\xc3\xaetres "
	    "Artisans depuis 1923 \xe2\x80\x94 Paris <atelier@example.fr>");
	free(shown);
	free(got);
}

static void test_addr_ok(void)
{
	static const struct {
		const char *a;
		int ok;
	} cases[] = {
		{ "ada@example.com", 1 }, { "a.b+tag@mail.example.co.uk", 1 },
		{ "o'brien@example.ie", 1 }, { "x@y", 1 },
		{ "", 0 }, { "ada", 0 }, { "@example.com", 0 }, { "ada@", 0 },
		{ "a@b@c", 0 }, { "ada @example.com", 0 }, { "ada@exa mple.com", 0 },
		{ "<ada@example.com>", 0 }, { "ada@example.com>", 0 },
		{ "ada@example.com\r\nRCPT TO:<x@y>", 0 }, { "ada@example.com\n", 0 },
		{ "zo\xc3\xab@example.com", 0 },	/* needs SMTPUTF8 */
		{ "a,b@example.com", 0 }, { "a;b@example.com", 0 }, { "\"a\"@example.com", 0 },
		{ "a(b)@example.com", 0 }, { "a\\b@example.com", 0 },
	};
	for (size_t i = 0; i < HM_NELEM(cases); i++) {
		int got = mime_addr_ok(cases[i].a);
		if (got != cases[i].ok)
			fprintf(stderr, "mime_addr_ok row %zu\n", i);
		CHECK(got == cases[i].ok);
	}
	CHECK(!mime_addr_ok(NULL));
	char longaddr[300];
	memset(longaddr, 'a', sizeof longaddr);
	memcpy(longaddr + 250, "@b.com", 7);
	CHECK(!mime_addr_ok(longaddr));
}

static void test_qp(void)
{
	char x75[76], x76[77];
	memset(x75, 'x', 75);
	x75[75] = '\0';
	memset(x76, 'x', 76);
	x76[76] = '\0';
	struct buf in = {0}, want = {0};
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "", "" },
		{ "plain", "plain\r\n" },
		{ "a=b", "a=3Db\r\n" },
		{ "\xc3\xa9t\xc3\xa9", "=C3=A9t=C3=A9\r\n" },
		{ "trailing space ", "trailing space=20\r\n" },
		{ "tab\t", "tab=09\r\n" },
		{ "in the middle", "in the middle\r\n" },
		{ ".dot", "=2Edot\r\n" },
		{ "a.b", "a.b\r\n" },
		{ "From me", "=46rom me\r\n" },
		{ "Fromage", "Fromage\r\n" },
		{ "l1\nl2\n", "l1\r\nl2\r\n" },
		{ "l1\r\nl2", "l1\r\nl2\r\n" },
		{ "a\n\nb", "a\r\n\r\nb\r\n" },
		{ "bare\rcr", "bare=0Dcr\r\n" },
		{ "nul\x01", "nul=01\r\n" },
	};
	for (size_t i = 0; i < HM_NELEM(cases); i++) {
		struct buf b = {0};
		mime_qp(&b, cases[i].in);
		CHECK_STR(b.data ? b.data : "", cases[i].want);
		buf_free(&b);
	}
	/* Soft breaks: a line is at most 76 with its "=". */
	const struct {
		const char *pre, *tail, *want_tail;
	} soft[] = {
		{ x76, "", "\r\n" },			/* 76 fits when it ends the line */
		{ x75, "xy", "=\r\nxy\r\n" },
		{ x75, ".y", "=\r\n=2Ey\r\n" },		/* a new line's dot is encoded */
		{ x75, "\xc3\xa9", "=\r\n=C3=A9\r\n" },
		{ x75, " ", "=\r\n=20\r\n" },
	};
	for (size_t i = 0; i < HM_NELEM(soft); i++) {
		struct buf b = {0};
		buf_reset(&in);
		buf_puts(&in, soft[i].pre);
		buf_puts(&in, soft[i].tail);
		buf_reset(&want);
		buf_puts(&want, soft[i].pre);
		buf_puts(&want, soft[i].want_tail);
		mime_qp(&b, in.data);
		CHECK_STR(b.data, want.data);
		buf_free(&b);
	}
	/* Any text: lines within 76, decoded back exactly (CRLF read as LF). */
	buf_reset(&in);
	for (int i = 0; i < 40; i++)
		buf_puts(&in, "Zo\xc3\xab's ring = \xe2\x82\xac" "1,200. From here \t\n.\n");
	struct buf b = {0};
	mime_qp(&b, in.data);
	CHECK(lines_ok(b.data, 76));
	char *back = qp_decode(b.data);
	CHECK_STR(back, in.data);
	free(back);
	buf_free(&b);
	buf_free(&in);
	buf_free(&want);
}

static void test_date(void)
{
	char d[40];
	mime_date(0, d);
	CHECK_STR(d, "Thu, 01 Jan 1970 00:00:00 +0000");
	mime_date(1796424314, d);
	CHECK_STR(d, "Fri, 04 Dec 2026 22:45:14 +0000");
}

static const struct mime_mail base = {
	.from_name = "Hartley & Daughters", .from = "tracking@hartley.example",
	.reply_to = "workshop@hartley.example", .to = "ada@example.com",
	.subject = "Your ring is ready", .message_id = "<abc123@track.example.com>",
	.date = 1796424314, .list_unsubscribe = "https://track.example.com/track/unsubscribe/T0K3N",
	.text = "Hello Ada,\n\nYour ring is ready.\nhttps://track.example.com/track/RPR-1\n",
	.html = "<p>Hello Ada,</p>\n<p><a href=\"https://track.example.com/track/RPR-1\">See</a></p>\n",
};

/* The value of header name in message m (first line only), or NULL. */
static char *header_of(const char *m, const char *name)
{
	size_t n = strlen(name);
	const char *end = strstr(m, "\r\n\r\n");
	for (const char *p = m; p && p < end; p = strstr(p, "\r\n") ? strstr(p, "\r\n") + 2 : NULL)
		if (!strncmp(p, name, n) && p[n] == ':')
			return xstrndup(p + n + 2, strcspn(p + n + 2, "\r\n"));
	return NULL;
}

static void test_build(void)
{
	struct buf b = {0};
	const char *why = NULL;
	CHECK(mime_build(&base, &b, &why) == 0);
	CHECK(lines_ok(b.data, 998));
	const char *headers_end = strstr(b.data, "\r\n\r\n");
	CHECK(headers_end != NULL);
	static const struct {
		const char *name, *value;
	} want[] = {
		{ "Date", "Fri, 04 Dec 2026 22:45:14 +0000" },
		{ "From", "\"Hartley & Daughters\" <tracking@hartley.example>" },
		{ "Reply-To", "<workshop@hartley.example>" },
		{ "To", "<ada@example.com>" },
		{ "Subject", "Your ring is ready" },
		{ "Message-ID", "<abc123@track.example.com>" },
		{ "List-Unsubscribe", "<https://track.example.com/track/unsubscribe/T0K3N>" },
		{ "List-Unsubscribe-Post", "List-Unsubscribe=One-Click" },
		{ "Auto-Submitted", "auto-generated" },
		{ "MIME-Version", "1.0" },
		{ "Content-Type", "multipart/alternative;" },
	};
	for (size_t i = 0; i < HM_NELEM(want); i++) {
		char *v = header_of(b.data, want[i].name);
		CHECK_STR(v, want[i].value);
		free(v);
	}
	/* Two parts between boundaries that appear nowhere else. */
	const char *bd = strstr(b.data, "boundary=\"");
	CHECK(bd != NULL);
	char *boundary = xstrndup(bd + 10, strcspn(bd + 10, "\""));
	CHECK(!strncmp(boundary, "=_hm_", 5));
	char *open = xasprintf("\r\n--%s\r\n", boundary), *close = xasprintf("\r\n--%s--\r\n", boundary);
	const char *p1 = strstr(b.data, open), *p2 = p1 ? strstr(p1 + 1, open) : NULL;
	CHECK(p1 && p2 && !strstr(p2 + 1, open));
	CHECK(strstr(b.data, close) && !strcmp(strstr(b.data, close), close));
	CHECK(p1 && !strncmp(p1 + strlen(open), "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\nHello Ada,\r\n", 95));
	CHECK(p2 && !strncmp(p2 + strlen(open), "Content-Type: text/html; charset=UTF-8\r\n", 40));
	free(open);
	free(close);
	free(boundary);
	/* The same notification makes the same bytes. */
	struct buf again = {0};
	CHECK(mime_build(&base, &again, &why) == 0);
	CHECK_STR(again.data, b.data);
	buf_free(&again);
	buf_free(&b);

	/* Text only; no Reply-To or unsubscribe when they cannot be used. */
	struct mime_mail m = base;
	m.html = NULL;
	m.reply_to = "not an address";
	m.list_unsubscribe = "javascript:alert(1)";
	CHECK(mime_build(&m, &b, &why) == 0);
	char *ct = header_of(b.data, "Content-Type");
	CHECK_STR(ct, "text/plain; charset=UTF-8");
	free(ct);
	CHECK(!strstr(b.data, "Reply-To") && !strstr(b.data, "List-Unsubscribe"));
	CHECK(!strstr(b.data, "boundary"));
	buf_reset(&b);
	m.list_unsubscribe = "https://x.example/u/a b";
	m.reply_to = "";
	CHECK(mime_build(&m, &b, &why) == 0);
	CHECK(!strstr(b.data, "List-Unsubscribe") && !strstr(b.data, "Reply-To"));
	buf_reset(&b);

	/* A long unsubscribe URL stays whole, beside its name. */
	m = base;
	m.list_unsubscribe = "https://repairs.hartley-and-daughters.example/track/unsubscribe/"
	    "AAAAAAAAAAFQVRmZ8SWH2oXjgrBxNP8i";
	CHECK(mime_build(&m, &b, &why) == 0);
	CHECK(strstr(b.data, "\r\nList-Unsubscribe: <https://repairs.hartley-and-daughters"
	    ".example/track/unsubscribe/AAAAAAAAAAFQVRmZ8SWH2oXjgrBxNP8i>\r\n"));
	buf_reset(&b);

	/* Non-ASCII subject and name, and CR/LF in them, stay in their fields. */
	m = base;
	m.subject = "Zo\xc3\xab, your ring\r\nBcc: evil@example.com";
	m.from_name = "Hartley\r\nBcc: evil@example.com";
	CHECK(mime_build(&m, &b, &why) == 0);
	headers_end = strstr(b.data, "\r\n\r\n");
	for (const char *l = b.data; l < headers_end; l = strstr(l, "\r\n") + 2)
		CHECK(strncmp(l, "Bcc", 3) != 0);
	CHECK(lines_ok(b.data, 998));
	buf_reset(&b);

	/* What cannot be sent at all. */
	static const struct {
		const char *from, *to, *mid;
	} refuse[] = {
		{ "bad", "ada@example.com", "<a@b>" },
		{ "t@h.example", "ada@example.com\r\nRCPT TO:<x@y>", "<a@b>" },
		{ "t@h.example", "ada@example.com", "no-brackets@b" },
		{ "t@h.example", "ada@example.com", "<a b@c>" },
		{ "t@h.example", "ada@example.com", "<ab>" },
		{ "t@h.example", "ada@example.com", "<a@b>\r\nBcc: x" },
	};
	for (size_t i = 0; i < HM_NELEM(refuse); i++) {
		m = base;
		m.from = refuse[i].from;
		m.to = refuse[i].to;
		m.message_id = refuse[i].mid;
		why = NULL;
		CHECK(mime_build(&m, &b, &why) == -1 && why && *why);
		CHECK(b.len == 0);
	}
	buf_free(&b);
}

static void test_sms_expand(void)
{
	static const struct {
		const char *tmpl;
		enum sms_escape esc;
		const char *want;
	} cases[] = {
		{ "To={to}&Body={text}", SMS_ESC_FORM,
		    "To=%2B447700900123&Body=Hi%20Zo%C3%AB%20%26%20co%3D%2B1%0Ahttps%3A%2F%2Fx.example%2Ft%3Fa%3D1%23%22%5C" },
		{ "{\"to\":\"{to}\",\"text\":\"{text}\"}", SMS_ESC_JSON,
		    "{\"to\":\"+447700900123\",\"text\":\"Hi Zo\xc3\xab & co=+1\\nhttps://x.example/t?a=1#\\\"\\\\\"}" },
		{ "https://gw.example/send?to={to_digits}&msg={text}", SMS_ESC_URL,
		    "https://gw.example/send?to=447700900123&msg=Hi%20Zo%C3%AB%20%26%20co%3D%2B1%0Ahttps%3A%2F%2Fx.example%2Ft%3Fa%3D1%23%22%5C" },
		{ "{\"recipients\":[\"{to_digits}\"],\"body\":\"{text}\",\"x\":{}}", SMS_ESC_JSON,
		    "{\"recipients\":[\"447700900123\"],\"body\":\"Hi Zo\xc3\xab & co=+1\\nhttps://x.example/t?a=1#\\\"\\\\\",\"x\":{}}" },
		{ "{unknown} {to", SMS_ESC_FORM, "{unknown} {to" },
		{ "", SMS_ESC_FORM, "" },
		{ "{to}{to}", SMS_ESC_JSON, "+447700900123+447700900123" },
	};
	const char *text = "Hi Zo\xc3\xab & co=+1\nhttps://x.example/t?a=1#\"\\";
	for (size_t i = 0; i < HM_NELEM(cases); i++) {
		struct buf b = {0};
		sms_expand(&b, cases[i].tmpl, "+447700900123", text, cases[i].esc);
		CHECK_STR(b.data, cases[i].want);
		buf_free(&b);
	}
	/* Control characters in JSON are escaped, never raw. */
	struct buf b = {0};
	sms_expand(&b, "{text}", "+1", "a\x01\tb\r", SMS_ESC_JSON);
	CHECK_STR(b.data, "a\\u0001\\tb\\r");
	buf_free(&b);
}

static void test_redact(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "ada@example.com", "a***@example.com" },
		{ "x@y", "x***@y" },
		{ "+447700900123", "+44********23" },
		{ "+15551234", "+15****34" },
		{ "12345", "***" },
		{ "", "***" },
		{ "@example.com", "***@example.com" },
	};
	for (size_t i = 0; i < HM_NELEM(cases); i++) {
		char out[64];
		recipient_redact(cases[i].in, out, sizeof out);
		CHECK_STR(out, cases[i].want);
	}
}

/* A notification as an email: the text part is the body (and the way to
 * stop), the HTML part the body escaped, in paragraphs, with the link as a
 * button, from the real template. */
static void test_compose(void)
{
	struct notification n = {
		.id = 7, .kind = "booked_in", .channel = "email", .recipient = "ada@example.com",
		.subject = "Hartley: your Ring is booked in",
		.body = "Hello Ada <b>&</b>,\n\nFollow it here:\nhttps://t.example/track/RPR-AAAA\n\n"
		    "Line one\nline two\n\nHartley",
		.link = "https://t.example/track/RPR-AAAA",
		.unsubscribe = "https://t.example/track/unsubscribe/TOKEN123",
		.message_id = "<m1@t.example>", .shop_name = "Hartley & Daughters",
		.shop_email = "workshop@hartley.example",
	};
	struct buf b = {0};
	char *why = NULL;
	CHECK(mail_compose(&n, "tracking@t.example", "templates", 1796424314, &b, &why) == 0);
	if (why)
		fprintf(stderr, "mail_compose: %s\n", why);
	free(why);
	char *all = b.data ? qp_decode(b.data) : xstrdup("");
	CHECK(strstr(all, "Hello Ada <b>&</b>,\n\nFollow it here:\nhttps://t.example/track/RPR-AAAA\n"));
	CHECK(strstr(all, "To stop messages about this order, open:\n"
	    "https://t.example/track/unsubscribe/TOKEN123"));
	CHECK(strstr(all, "Hello Ada &lt;b&gt;&amp;&lt;/b&gt;,"));
	CHECK(strstr(all, "Line one<br>\nline two"));
	CHECK(strstr(all, ">See your order</a>"));
	CHECK(strstr(all, "<a href=\"https://t.example/track/RPR-AAAA\""));
	CHECK(strstr(all, "<a href=\"https://t.example/track/unsubscribe/TOKEN123\""));
	CHECK(strstr(all, ">Stop messages about this order</a>"));
	CHECK(!strstr(all, "<img") && !strstr(all, "src=") && !strstr(all, "<script"));
	free(all);
	buf_free(&b);

	/* A passport's email has no unsubscribe line, and its own button. */
	n.kind = "passport";
	n.unsubscribe = "";
	n.link = "https://t.example/verify/u";
	n.body = "Your passport:\nhttps://t.example/verify/u";
	CHECK(mail_compose(&n, "tracking@t.example", "templates", 0, &b, &why) == 0);
	all = qp_decode(b.data);
	CHECK(strstr(all, ">See the passport</a>") && !strstr(all, "List-Unsubscribe"));
	CHECK(!strstr(all, "To stop messages"));
	free(all);
	buf_reset(&b);
	/* A missing template is an error, not an empty part. */
	CHECK(mail_compose(&n, "tracking@t.example", "/nonexistent", 0, &b, &why) == -1 && why);
	free(why);
	why = NULL;
	CHECK(mail_compose(&n, "bad from", "templates", 0, &b, &why) == -1 && why);
	free(why);
	buf_free(&b);
}

int main(void)
{
	test_header_text();
	test_header_folding();
	test_header_addr();
	test_addr_ok();
	test_qp();
	test_date();
	test_build();
	test_sms_expand();
	test_redact();
	test_compose();
	return check_summary("mime");
}
