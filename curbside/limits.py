"""How long a text may be where the site sets a limit. The web forms (through
curbside.web.service.workflow) and the importer read the same numbers, so an archive
cannot put on the site what its forms would refuse, and the two cannot drift apart."""

TITLE_MAX = 200
BODY_MAX = 5000  # a question as asked, a reply, a message
ALIAS_MAX = 40
# A stored question grows after it is asked: a moderator's privacy edit may take it to
# BODY_MAX + 1000, and each answer to a doctor's request for more information is appended
# under "Added later". The importer must take the site's own exports back, so this bound
# leaves room for that and only stops absurd bodies.
QUESTION_BODY_MAX = 10 * BODY_MAX
QUESTION_TYPE_MAX = 100  # the width of its database column (curbside.web.qa.models.Passage)
