import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { type BatchSettings, DeleteFile, DownloadFile, ListFiles, RetrieveFile, UploadFile } from '@voxgate/batch';
import { ListFilesQuerySchema, parseInbound } from '@voxgate/openai-wire';
import type { Principal } from '@voxgate/tenancy';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { BATCH_SETTINGS } from './batch.tokens';
import { readUpload } from './file-upload';

/** `/v1/files`: a tenant's batch input files and the output files of its batches. */
@Controller('v1/files')
@UseGuards(ApiKeyGuard)
export class FilesController {
  constructor(
    @Inject(BATCH_SETTINGS) private readonly settings: BatchSettings,
    private readonly uploadFile: UploadFile,
    private readonly listFiles: ListFiles,
    private readonly retrieveFile: RetrieveFile,
    private readonly downloadFile: DownloadFile,
    private readonly deleteFile: DeleteFile,
  ) {}

  @Post()
  @HttpCode(200)
  async upload(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest) {
    const upload = await readUpload(request, this.settings.maxFileBytes);
    return this.uploadFile.execute({ tenantId: principal.tenantId, ...upload });
  }

  @Get()
  async list(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    return this.listFiles.execute(principal.tenantId, parseInbound(ListFilesQuerySchema, query));
  }

  @Get(':fileId')
  async retrieve(@CurrentPrincipal() principal: Principal, @Param('fileId') fileId: string) {
    return this.retrieveFile.execute(principal.tenantId, fileId);
  }

  @Get(':fileId/content')
  async content(
    @CurrentPrincipal() principal: Principal,
    @Param('fileId') fileId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const { file, content } = await this.downloadFile.execute(principal.tenantId, fileId);
    void reply.headers({
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename="${file.filename.replace(/["\\\r\n]/g, '_')}"`,
    });
    return content;
  }

  @Delete(':fileId')
  async remove(@CurrentPrincipal() principal: Principal, @Param('fileId') fileId: string) {
    return this.deleteFile.execute(principal.tenantId, fileId);
  }
}
