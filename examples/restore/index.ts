import * as pulumi from "@pulumi/pulumi";
import { Toucan } from "pulumi-toucan";

const config = new pulumi.Config();

// A stack rebuilt from AWS Backup recovery points (see "Restore drill" in the README): the Mongo
// members' data volumes from the EBS snapshots of the old members' volumes, and the storage around the
// file system AWS Backup restored. The restored data keeps the old administrator, so its password comes
// from the old stack; the application users get this stack's passwords at first boot.
const toucan = new Toucan("toucan", {
  version: config.require("version"),
  frontendDomain: config.require("frontendDomain"),
  backendDomain: config.require("backendDomain"),
  zoneId: config.require("zoneId"),
  mongo: {
    restoreFromSnapshots: {
      snapshotIds: config.requireObject<string[]>("mongoSnapshotIds"),
      adminPassword: config.requireSecret("oldMongoAdminPassword"),
    },
  },
  storage: { restoredFileSystemId: config.require("restoredFileSystemId") },
});

export const frontendUrl = toucan.frontendUrl;
export const backendUrl = toucan.backendUrl;
