/* Validators for declared parameters (request.h), table-tested in
 * tests/unit/test_request.c. Each accepts f->raw (already checked for
 * length, UTF-8 and control characters) and sets f->val and f->ival. */
#ifndef HM_VALIDATE_H
#define HM_VALIDATE_H

struct field;
struct param;

int v_string(struct field *f, const struct param *p); /* one line, trimmed, may be empty */
int v_text(struct field *f, const struct param *p);   /* multi-line, CRLF->LF, trimmed */
int v_secret(struct field *f, const struct param *p); /* exactly as sent: passwords are never trimmed */
int v_int(struct field *f, const struct param *p);    /* decimal in [min,max] */
int v_bool(struct field *f, const struct param *p);   /* "1","on","yes","true" -> 1; "0","off","no","false","" -> 0 */
int v_date(struct field *f, const struct param *p);   /* YYYY-MM-DD, a real date, or empty */
int v_email(struct field *f, const struct param *p);  /* local@domain, or empty */
int v_phone(struct field *f, const struct param *p);  /* digits, spaces, + - ( ) . ; or empty */
int v_url(struct field *f, const struct param *p);    /* http(s)://host..., printable ASCII, no quotes or <>; or empty */
int v_money(struct field *f, const struct param *p);  /* "1234", "1,234.50" -> cents in ival; or empty */
int v_token(struct field *f, const struct param *p);  /* base64url characters only */
int v_word(struct field *f, const struct param *p);   /* [a-z0-9_]+ (codes, stage names) */
int v_tzname(struct field *f, const struct param *p); /* IANA zone name shape, e.g. Europe/London */
int v_choice(struct field *f, const struct param *p); /* exactly one of p->choices */
int v_colour(struct field *f, const struct param *p); /* #rrggbb in any case -> lower case; or empty */
int v_country(struct field *f, const struct param *p); /* a country of phone.h (ISO code, any case) -> upper case; or empty */

/* Runs validator v on a string that did not come from a request (an
 * operator's argument to hallmarkctl): 1 when it accepts s. */
int v_accepts(int (*v)(struct field *, const struct param *), const struct param *p,
    const char *s);

#endif
