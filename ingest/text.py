"""What counts as text, for reading a file and for cleaning it alike."""

from __future__ import annotations

import re

# Unicode's Cc category less the controls that lay out text (tab, line feed, vertical tab, form
# feed, carriage return): never article text. Many in a file make it binary (inputs); the
# engine drops them (and the vertical tab and form feed, which patterns could not see as space).
CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
