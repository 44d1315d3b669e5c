import sys

from index.models import main

sys.exit(main())
