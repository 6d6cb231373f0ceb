// codec core: exports are added here.
