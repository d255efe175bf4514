package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/jianfu-gov/jianfu/internal/config"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// open connects to the configured database and applies pending migrations.
func (c *common) open(ctx context.Context) (*store.DB, *slog.Logger, error) {
	log, err := config.Logger(c.logLevel, c.logFormat)
	if err != nil {
		return nil, nil, err
	}
	slog.SetDefault(log)
	db, err := store.Open(ctx, c.db)
	if err != nil {
		return nil, nil, fmt.Errorf("打开数据库 %s 失败: %w", config.Redact(c.db), err)
	}
	v, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("数据库迁移失败: %w", err)
	}
	log.Debug("database ready", "engine", db.Engine, "db", config.Redact(c.db), "schema_version", v)
	return db, log, nil
}
