package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/activity"
	"github.com/jianfu-gov/jianfu/internal/burden"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
)

// burdenExport sends one of the dashboard's tables as XLSX, for the unit and period on screen.
func (s *Server) burdenExport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	root, bc, err := s.burdenRoot(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var header []string
	var rows [][]any
	var title string
	switch table := r.URL.Query().Get("table"); table {
	case "units":
		title = "单位负担指数"
		self, list, err := burden.Ranking(ctx, s.DB, root, bc.Period, bc.Weights)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		header = []string{"序号", "单位", "人数"}
		for _, k := range burden.ComponentList {
			header = append(header, k.Label())
		}
		header = append(header, "负担指数")
		for i, u := range append(list, self) {
			no := any(i + 1)
			if i == len(list) {
				no = "合计"
			}
			row := []any{no, u.Name, u.People}
			for _, k := range burden.ComponentList {
				row = append(row, round2(u.Components[k]))
			}
			rows = append(rows, append(row, round2(u.Index)))
		}
	case "groups":
		title = "工作群负担"
		list, err := burden.TopGroups(ctx, s.DB, root, bc.Period, r.URL.Query().Get("sort"), 5000)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		header = []string{"序号", "群编号", "群名称", "平台", "单位", "成员数", "消息数", "工作日日均", "非工作时间消息", "非工作时间占比", "留痕类要求", "送达人次", "要求送达人次"}
		for i, g := range list {
			rows = append(rows, []any{i + 1, g.Code, g.Name, g.Platform, g.UnitName, g.Members, g.Messages, round2(g.PerWorkday),
				g.AfterHours, round2(g.AfterHoursShare), g.Demands, g.Deliveries, g.DemandDeliveries})
		}
	case "apps":
		title = "应用使用"
		list, err := burden.TopApps(ctx, s.DB, root, bc.Period, 5000)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		header = []string{"序号", "应用编号", "应用名称", "单位", "强制使用", "目标用户数", "有数据天数", "日均活跃用户", "活跃率", "使用次数", "要求打卡", "实际打卡", "填报表单"}
		for i, a := range list {
			rows = append(rows, []any{i + 1, a.Code, a.Name, a.UnitName, yesNo(a.Mandatory), a.TargetUsers, a.Days, round2(a.ActiveUsers),
				round2(a.ActiveShare), a.Sessions, a.CheckinsRequired, a.CheckinsDone, a.FormsSubmitted})
		}
	case "trend":
		title = "每日趋势"
		points, err := burden.Trend(ctx, s.DB, bc.Cal, root, bc.Period)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		header = []string{"日期", "工作日", "人均接收消息", "人均留痕类要求", "人均非工作时间消息"}
		for _, pt := range points {
			rows = append(rows, []any{pt.Day.Format("2006-01-02"), yesNo(pt.Workday), round2(pt.Received), round2(pt.Demands), round2(pt.AfterHours)})
		}
	case "heatmap":
		title = "消息时段"
		heat, err := burden.Heatmap(ctx, s.DB, root, bc.Period)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		header = []string{"星期"}
		for h := 0; h < 24; h++ {
			header = append(header, fmt.Sprintf("%02d时", h))
		}
		for wd, name := range []string{"周一", "周二", "周三", "周四", "周五", "周六", "周日"} {
			row := []any{name}
			for h := 0; h < 24; h++ {
				row = append(row, heat[wd][h])
			}
			rows = append(rows, row)
		}
	default:
		s.fail(w, r, errs.Field("table", "导出内容应为 units、groups、apps、trend 或 heatmap"))
		return
	}
	x := excelize.NewFile()
	defer x.Close()
	x.SetSheetName("Sheet1", title)
	hdr := make([]any, len(header))
	for i, h := range header {
		hdr[i] = h
	}
	x.SetSheetRow(title, "A1", &hdr)
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		x.SetSheetRow(title, cell, &row)
	}
	name := title + "_" + root.Name + "_" + bc.Period.From.Format("20060102") + "-" + bc.Period.To.Format("20060102") + ".xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	if err := x.Write(w); err != nil {
		s.Log.ErrorContext(ctx, "burden export", "err", err)
	}
}

func round2(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

type activityImportData struct {
	Report *activity.Report
}

func (s *Server) activityImportForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "activity_import", view{Title: "活动数据导入", Active: "activity", Data: activityImportData{}})
}

// activityImport ingests one uploaded file as one batch, named by its content's hash, so that a
// file uploaded twice counts once.
func (s *Server) activityImport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := view{Title: "活动数据导入", Active: "activity", Data: activityImportData{}}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		s.formError(w, r, "activity_import", v, errs.Field("file", "请选择要上传的文件"))
		return
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		s.formError(w, r, "activity_import", v, errs.Field("file", "请选择要上传的文件"))
		return
	}
	defer f.Close()
	set, err := activity.LoadSettings(ctx, s.DB)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := activity.IngestFile(ctx, s.DB, f, activity.Options{Source: hdr.Filename, DryRun: r.PostFormValue("dry_run") == "1",
		KeepRaw: set.KeepRaw, KeepText: set.KeepText, Actor: httpx.CallerFrom(ctx).Principal()})
	if err != nil {
		s.formError(w, r, "activity_import", v, err)
		return
	}
	v.Data = activityImportData{Report: rep}
	s.render(w, r, http.StatusOK, "activity_import", v)
}
