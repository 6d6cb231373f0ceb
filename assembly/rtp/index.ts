// rtp core: exports are added here.
