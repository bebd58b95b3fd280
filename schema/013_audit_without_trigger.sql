-- Migration 13: a job's audit rows are deleted with the job by the code
-- that deletes jobs (retention purge and the danger zone, src/model/
-- retention.c), not by a trigger: every request parses the whole schema
-- when it opens the database, and this trigger cost each order page about
-- 1% of its work.
DROP TRIGGER audit_forget_job;
