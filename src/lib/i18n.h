/* Languages: the catalogs compiled from src/po/ at build time, the lookup,
 * and the choice of a request's language.
 *
 * Source strings are English and are their own translation in English. C
 * code marks them for xgettext (make pot):
 *   _("text")                 translated now, in the current language
 *   C_("context", "text")     the same, disambiguated for translators
 *   P_("%d photo", "%d photos", n)   the plural form for n
 *   N_("text"), NC_(...)      marked only, translated later where shown
 * Formats with several arguments number them ("%1$s … %2$s") so a
 * translation may put them in its own order. */
#ifndef HM_I18N_H
#define HM_I18N_H

#include <stddef.h>

/* A language is its catalog: its name, direction, date formats and
 * number separators are messages in it too (see lang_name), so adding
 * one takes a .po file and no code. */
struct lang {
	const char *code;	/* "en", "es", "ar" … (BCP 47 primary subtag) */
	size_t nmsgs;
	const struct catalog_msg *msgs;	/* sorted by key, strcmp order */
	unsigned long (*plural)(unsigned long n);
	unsigned nplurals;
};

struct catalog_msg {
	const char *key;	/* msgid, or "context\004msgid" */
	const char *str;	/* the translation; plural forms follow each
				 * other, each ending in '\0' */
};

/* Every shipped language, English first, and their codes (a choice list
 * for a declared parameter); NULL-terminated. */
extern const struct lang *const hm_langs[];
extern const char *const hm_lang_codes[];
/* The codes as "en, ar, de…", for messages. */
const char *lang_codes_joined(void);

/* The language with this code (case-insensitive, "es-MX" finds "es"), or
 * NULL. */
const struct lang *lang_find(const char *code);
/* English, the language of the sources. */
const struct lang *lang_source(void);

/* The language's name in itself ("Español"), and whether it is written
 * right to left. */
const char *lang_name(const struct lang *l);
int lang_rtl(const struct lang *l);

/* The language a request's strings are in; English until set. */
const struct lang *lang_current(void);
/* Makes l (NULL: English) current; returns the one it replaces, so a
 * caller writing in another language (a customer's email) can go back. */
const struct lang *lang_use(const struct lang *l);

/* The translation of msgid (with context ctx, or NULL) in l, or msgid
 * itself when l has none. Never NULL; static storage. */
const char *lang_get(const struct lang *l, const char *ctx, const char *msgid)
	__attribute__((format_arg(3)));
/* The plural form for n of msgid/plural in l. */
const char *lang_nget(const struct lang *l, const char *msgid, const char *plural,
    unsigned long n) __attribute__((format_arg(2))) __attribute__((format_arg(3)));

/* The same for a msgid of len bytes that is not NUL-terminated (a
 * template's text): the translation, or NULL when l has none. */
const char *lang_lookup(const struct lang *l, const char *msgid, size_t len);
/* ... and its plural form for n, or NULL. */
const char *lang_nlookup(const struct lang *l, const char *msgid, size_t len, unsigned long n);

#define _(s) lang_get(lang_current(), NULL, s)
#define C_(c, s) lang_get(lang_current(), c, s)
#define P_(s, p, n) lang_nget(lang_current(), s, p, n)
#define N_(s) s
#define NC_(c, s) s

/* The first language of an Accept-Language header that is shipped, by
 * q-value then order; "es-MX" finds Spanish, a language not shipped is
 * passed over, q=0 refuses. NULL when none is. */
const struct lang *lang_accept(const char *header);

/* Writes n as the language writes numbers ("2,000"; "2.000"; "2 000"). */
void lang_number(const struct lang *l, long long n, char *out, size_t size);

#endif
