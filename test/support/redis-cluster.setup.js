// Jest project `cluster`: every Redis client the tests open (`@voxgate/testing`'s `openTestRedis`,
// `createTestRedis`) and every gateway or worker they start (`withTestRedisMode`) use the Redis Cluster in
// VOXGATE_TEST_REDIS_CLUSTER instead of REDIS_URL. Jest gives each test file its own copy of process.env.
process.env.VOXGATE_TEST_REDIS_MODE = 'cluster';
