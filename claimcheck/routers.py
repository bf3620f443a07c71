"""Send reads to the replica when DATABASE_REPLICA_URL is set; every write goes to default."""


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return "replica"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # both aliases hold the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
