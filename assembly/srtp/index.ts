// srtp core: exports are added here.
