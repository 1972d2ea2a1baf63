-- pgbench custom script "transfer": the smallest honest model of a ledger write. Two account
-- balances change and one journal row records why, in one transaction. Run by
-- bench/db-baseline/run.ts after pgbench -i (pgbench_accounts) and the bench_journal table.
--
-- The two rows are locked in aid order (lower first), as a ledger must, so concurrent clients
-- cannot deadlock; which of the two is debited does not change the work the server does.
-- pgbench sets :scale from -s, which run.ts passes explicitly (custom scripts default to 1).
\set a random(1, 100000 * :scale)
\set b random(1, 100000 * :scale)
\set lo least(:a, :b)
\set hi greatest(:a, :b)
\set amount_fen random(1, 1000000)
BEGIN;
UPDATE pgbench_accounts SET abalance = abalance - :amount_fen WHERE aid = :lo;
UPDATE pgbench_accounts SET abalance = abalance + :amount_fen WHERE aid = :hi;
INSERT INTO bench_journal (debit_aid, credit_aid, amount_fen) VALUES (:lo, :hi, :amount_fen);
END;
