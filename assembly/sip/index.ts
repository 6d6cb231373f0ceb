// sip core: exports are added here.
