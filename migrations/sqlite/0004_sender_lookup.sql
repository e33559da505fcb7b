-- Messages of one sender are found through message_randoms, which is keyed by sender already
-- (and holds a row for every message). The separate index cost every send one more randomly
-- placed page to write.
DROP INDEX messages_by_sender;
