"""What supervisors print: PDF documents built with fpdf2 in the booth's language (``pdf``), and
each document from the core's own queries (``muster``: who is inside, for an evacuation; the shift
and day reports and printing through CUPS come with the shifts issue). Never more than the purpose
needs: a document holds the columns its use calls for, and no phone or ID numbers."""
