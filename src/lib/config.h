/* The installation's configuration file: `key = value` lines, '#' comments.
 * CGIs find it through HALLMARK_CONFIG (set by the web server's config),
 * else the compiled-in default. */
#ifndef HM_CONFIG_H
#define HM_CONFIG_H

#define HM_CONFIG_ENV "HALLMARK_CONFIG"

struct config {
	char *database;		/* SQLite file, outside the document root */
	char *ratelimit_database; /* rate-limit store; default: beside database */
	char *media_dir;
	char *secret_key_file;	/* 32 random bytes, mode 0600 */
	char *templates_dir;
	char *static_url;	/* URL prefix of static/, default "/static" */
	char *base_url;		/* e.g. https://track.example.com; "" = from Host */
	char *default_timezone;
	char *default_language;	/* a page's language when nothing says otherwise: "en" */
	char *staff_language;	/* the staff pages' language: "en" */
	char *trusted_proxy;	/* REMOTE_ADDR of a reverse proxy, or "" */
	int cookie_secure;	/* -1 auto (when HTTPS), 0 never, 1 always */
	int ratelimit_window;	/* seconds */
	int ratelimit_lookups;	/* failed public lookups per IP per window */
	int ratelimit_login;	/* failed logins per account and per IP per window */
	int ratelimit_certificates; /* certificate downloads per IP per window */
	int ratelimit_messages;	/* customer messages and decisions per IP per window */
	int ratelimit_job_messages; /* customer messages per job per window */
	int session_idle;	/* seconds */
	int session_absolute;	/* seconds */
	long max_body;		/* bytes of a form body */
	long max_upload;	/* bytes of a photo upload's body */
	char *legacy_lookups_until; /* YYYY-MM-DD: numeric and NXP- lookups on /verify until then; "" = off */
	char *cgi_user;		/* the user the web server runs the CGIs as: owns the state */
	/* Notifications, delivered by hallmarkctl send (never by a CGI). */
	char *mail_transport;	/* "" (no email), "smtp" or "file" */
	char *smtp_url;		/* smtp://host:587 (STARTTLS) or smtps://host:465 (TLS) */
	int smtp_starttls;	/* for smtp://: 1 require STARTTLS (default), 0 plain */
	char *smtp_user, *smtp_password_file;
	char *mail_from;	/* the envelope and From address */
	char *mail_dir;		/* the file transport's directory (.eml files) */
	char *sms_transport;	/* "" (no SMS), "http" or "file" */
	char *sms_url;		/* the gateway; {to} and {text} may appear in it */
	char *sms_method;	/* "POST" (default) or "GET" */
	char *sms_content_type;	/* "form" (default) or "json": how {to} and {text} are escaped in sms_body */
	char *sms_body;		/* the request body, with {to} and {text} */
	char *sms_auth_file;	/* a file holding one header line, e.g. Authorization: Basic ... */
	char *sms_dir;		/* the file transport's directory */
};

/* Loads path, or $HALLMARK_CONFIG, or the compiled-in default when path is
 * NULL. Unknown keys and bad values are errors (a typo must not silently
 * weaken a limit). Returns 0, or -1 with a heap message in *err. */
int config_load(struct config *c, const char *path, char **err);
/* The path config_load(NULL) would read. */
const char *config_path(void);
void config_free(struct config *c);

#endif
